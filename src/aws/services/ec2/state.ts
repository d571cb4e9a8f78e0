/**
 * EC2 state of one account and region: a Table per resource type in the store (scope service
 * `ec2`), the address allocator, the lookups that answer EC2's NotFound errors, and the lazy
 * creation of the default VPC a fresh account has (./defaults.ts). Handlers and the in-process
 * Ec2Api both work through an {@link Ec2Region}, so the wire and the contract see one state.
 */
import type { Clock } from '../../../lib/clock.js';
import type { Store } from '../../../store/types.js';
import { Table } from '../../state/table.js';
import type { AwsError } from '../../types.js';
import { ensureDefaults } from './defaults.js';
import { Ec2Errors } from './errors.js';
import { backfillGroupNames } from './group-names.js';
import { SubnetIpam } from './ipam.js';
import type {
  AddressDoc, ClientTokenDoc, InstanceDoc, InternetGatewayDoc, KeyPairDoc, LaunchTemplateDoc, LaunchTemplateVersionDoc, NatGatewayDoc,
  NetworkInterfaceDoc, RouteTableDoc, SecurityGroupDoc, SubnetDoc, VolumeDoc, VpcDoc,
} from './model.js';

/** Delays of EC2's asynchronous transitions, read from the injected clock. */
export interface Ec2Timing {
  /** pending → running. */
  instanceBootMs: number;
  /** stopping → stopped. */
  instanceStopMs: number;
  /** shutting-down → terminated. */
  instanceTerminateMs: number;
  /** How long terminated instances (and deleted NAT gateways) stay visible, as in EC2 (about an hour). */
  terminatedRetentionMs: number;
  /** Volume creating → available. */
  volumeCreateMs: number;
  /** NAT gateway pending → available and deleting → deleted. */
  natGatewayMs: number;
}

/** Short delays: an instance is running a second after launch. */
export const DEFAULT_TIMING: Ec2Timing = {
  instanceBootMs: 1000,
  instanceStopMs: 1000,
  instanceTerminateMs: 1000,
  terminatedRetentionMs: 3_600_000,
  volumeCreateMs: 500,
  natGatewayMs: 1000,
};

/** What every Ec2Region of a process shares. */
export interface Ec2Env {
  store: Store;
  clock: Clock;
  timing: Ec2Timing;
  /** `account/region` pairs whose default VPC is known to exist (or to have been made once). */
  defaultsDone: Set<string>;
  /** Address allocation hints (./ipam.ts). */
  ipHints: Map<string, number>;
}

/** The EC2 state of one account and region. */
export class Ec2Region {
  readonly vpcs: Table<VpcDoc>;
  readonly subnets: Table<SubnetDoc>;
  readonly groups: Table<SecurityGroupDoc>;
  /** `<vpcId>/<name>` → the group holding that name (./group-names.ts). */
  readonly groupNames: Table<{ groupId: string }>;
  readonly igws: Table<InternetGatewayDoc>;
  readonly routeTables: Table<RouteTableDoc>;
  readonly enis: Table<NetworkInterfaceDoc>;
  readonly instances: Table<InstanceDoc>;
  readonly keyPairs: Table<KeyPairDoc>;
  readonly volumes: Table<VolumeDoc>;
  readonly launchTemplates: Table<LaunchTemplateDoc>;
  readonly addresses: Table<AddressDoc>;
  readonly natGateways: Table<NatGatewayDoc>;
  readonly clientTokens: Table<ClientTokenDoc>;
  readonly meta: Table<{ at: number }>;
  readonly ipam: SubnetIpam;

  constructor(
    readonly env: Ec2Env,
    readonly account: string,
    readonly region: string,
  ) {
    const t = <T>(type: string) => new Table<T>(env.store, { service: 'ec2', account, region, type });
    this.vpcs = t('vpc');
    this.subnets = t('subnet');
    this.groups = t('security-group');
    this.groupNames = t('security-group-name');
    this.igws = t('internet-gateway');
    this.routeTables = t('route-table');
    this.enis = t('network-interface');
    this.instances = t('instance');
    this.keyPairs = t('key-pair');
    this.volumes = t('volume');
    this.launchTemplates = t('launch-template');
    this.addresses = t('elastic-ip');
    this.natGateways = t('natgateway');
    this.clientTokens = t('client-token');
    this.meta = t('meta');
    this.ipam = new SubnetIpam(env.store, { account, region }, env.ipHints);
  }

  /** The versions of one launch template, keyed by zero-padded version number. */
  ltVersions(ltId: string): Table<LaunchTemplateVersionDoc> {
    return new Table(this.env.store, { service: 'ec2', account: this.account, region: this.region, type: `launch-template-version/${ltId}` });
  }

  now(): number {
    return this.env.clock.now();
  }

  /** Makes sure the account's default VPC exists in this region (once per process and region). */
  async ready(): Promise<this> {
    const key = `${this.account}/${this.region}`;
    if (!this.env.defaultsDone.has(key)) {
      await ensureDefaults(this);
      await backfillGroupNames(this);
      this.env.defaultsDone.add(key);
    }
    return this;
  }

  /** The document `id` of `table`, or the error `missing` thrown. */
  async must<T>(table: Table<T>, id: string, missing: (id: string) => AwsError): Promise<T> {
    const got = id ? await table.get(id) : undefined;
    if (!got) throw missing(id);
    return got.value;
  }

  vpc(id: string): Promise<VpcDoc> {
    return this.must(this.vpcs, id, Ec2Errors.vpcNotFound);
  }
  subnet(id: string): Promise<SubnetDoc> {
    return this.must(this.subnets, id, Ec2Errors.subnetNotFound);
  }
  group(id: string): Promise<SecurityGroupDoc> {
    return this.must(this.groups, id, Ec2Errors.groupNotFound);
  }
  eni(id: string): Promise<NetworkInterfaceDoc> {
    return this.must(this.enis, id, Ec2Errors.eniNotFound);
  }
  routeTable(id: string): Promise<RouteTableDoc> {
    return this.must(this.routeTables, id, Ec2Errors.routeTableNotFound);
  }
  igw(id: string): Promise<InternetGatewayDoc> {
    return this.must(this.igws, id, Ec2Errors.igwNotFound);
  }

  /** The default VPC, if the account still has one here. */
  async defaultVpc(): Promise<VpcDoc | undefined> {
    return (await this.vpcs.list()).map((x) => x.value).find((v) => v.IsDefault);
  }

  /** The values of a table, in id order. */
  async all<T>(table: Table<T>): Promise<T[]> {
    return (await table.list()).map((x) => x.value);
  }

  /** The documents of `table` named by `ids` (all of them when `ids` is empty); the first missing one throws. */
  async byIds<T>(table: Table<T>, ids: string[] | undefined, missing: (id: string) => AwsError): Promise<T[]> {
    if (!ids?.length) return this.all(table);
    const out: T[] = [];
    for (const id of [...new Set(ids)]) out.push(await this.must(table, id, missing));
    return out;
  }

  /** An ARN of this region's EC2 (`arn:aws:ec2:R:A:<resource>`). */
  arn(resource: string): string {
    return `arn:aws:ec2:${this.region}:${this.account}:${resource}`;
  }
}
