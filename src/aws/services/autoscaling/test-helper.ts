/**
 * Test support for Auto Scaling: the AWS endpoint with EC2 and Auto Scaling over one memory store
 * and a ManualClock, SDK clients for both, three subnets in three zones and a launch template.
 * Not a test file itself.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock } from '../../../lib/clock.js';
import type { Store } from '../../../store/types.js';
import { sdkConfig, startEc2Server, type Ec2TestServer } from '../ec2/test-helper.js';
import type { AsgEc2 } from './ec2-port.js';
import { createAutoScaling } from './index.js';

export interface AsgWorld {
  srv: Ec2TestServer;
  asg: ReturnType<typeof createAutoScaling>;
  ec2: EC2Client;
  as: AutoScalingClient;
  subnets: string[];
  templateId: string;
  controller: AbortController;
  /** Runs due timers up to `ms` from now and waits for reconciliation to settle. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the world; `wrapEc2` may wrap the EC2 api Auto Scaling sees (fault injection). */
export async function startAsgWorld(opts: { store?: Store; clock?: ManualClock; wrapEc2?: (api: AsgEc2) => AsgEc2; start?: boolean; setup?: boolean } = {}): Promise<AsgWorld> {
  let asg: ReturnType<typeof createAutoScaling> | undefined;
  const srv = await startEc2Server({
    store: opts.store,
    clock: opts.clock,
    extra: ({ store, clock, ec2 }) => {
      asg = createAutoScaling({ store, clock, ec2: opts.wrapEc2 ? opts.wrapEc2(ec2.api) : ec2.api });
      return [asg.service];
    },
  });
  const controller = new AbortController();
  if (opts.start ?? true) asg!.start(controller.signal);
  const ec2 = new EC2Client(sdkConfig(srv.url));
  const as = new AutoScalingClient(sdkConfig(srv.url));
  const world: AsgWorld = {
    srv, asg: asg!, ec2, as, subnets: [], templateId: '', controller,
    async advance(ms) {
      await asg!.idle();
      srv.clock.advance(ms);
      await new Promise((r) => setImmediate(r));
      await asg!.idle();
    },
    async stop() {
      controller.abort();
      await asg!.idle();
      ec2.destroy();
      as.destroy();
      await srv.stop();
    },
  };
  if (opts.setup ?? true) {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    for (const [k, zone] of ['us-east-1a', 'us-east-1b', 'us-east-1c'].entries()) {
      world.subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${k + 1}.0/24`, AvailabilityZone: zone }))).Subnet!.SubnetId!);
    }
    world.templateId = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'nodes', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large' } }))).LaunchTemplate!.LaunchTemplateId!;
  }
  return world;
}
