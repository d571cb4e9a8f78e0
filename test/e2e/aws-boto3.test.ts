/**
 * boto3 (a python3 subprocess, the client most EKS tooling scripts use) against a spawned
 * `eksplane server` in strict mode:
 *
 * - the whole life of a cluster with two managed node groups, two Fargate profiles, two add-ons,
 *   access entries with access policies, pod identity associations and cluster/node group
 *   updates, through EVERY EKS waiter botocore defines (cluster_active, cluster_deleted,
 *   nodegroup_active, nodegroup_deleted, fargate_profile_active, fargate_profile_deleted,
 *   addon_active, addon_deleted), each with WaiterConfig Delay 1 (botocore's defaults sleep 10–30 s);
 * - EVERY EKS paginator botocore defines, each over more items than one page (PageSize small); the
 *   four whose operations eksplane does not implement answer 501 NotImplemented naming the operation;
 * - each error of the issue with its exact code and HTTP status as botocore parses it: 404
 *   ResourceNotFoundException, 409 ResourceInUseException (delete with node groups / Fargate
 *   profiles, duplicate names, a second in-flight update), 400 InvalidParameterException,
 *   403 AccessDeniedException for a user without eks:CreateCluster, 403 UnrecognizedClientException
 *   for an unknown key, wrong secrets (InvalidSignatureException / SignatureDoesNotMatch /
 *   AuthFailure), requests signed 20 minutes ago (signed by hand with botocore.auth.SigV4Auth at a
 *   fixed time and parsed by botocore's own protocol parsers), 501 NotImplemented;
 * - EC2 (instance_running / instance_terminated / subnet_available / vpc_available waiters,
 *   DescribeInstances and DescribeSubnets paginators), IAM (waiters and paginators), KMS (list_keys /
 *   list_aliases paginators, Encrypt/Decrypt), STS (AssumeRole credentials used for EKS calls) and
 *   Auto Scaling (node groups' groups through the DescribeAutoScalingGroups paginator).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { hasBoto3, removeDir, runPython, startAwsServer, type RunningAwsServer } from './aws-harness.js';

const SCRIPT = String.raw`
import datetime, json, sys, time
import boto3, botocore, botocore.auth, botocore.awsrequest, botocore.credentials, botocore.httpsession, botocore.parsers
from botocore.exceptions import ClientError, WaiterError

E = sys.argv[1]
ACCOUNT = '000000000000'
def client(svc, key='test', secret='test', token=None):
    return boto3.client(svc, endpoint_url=E, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                        config=botocore.config.Config(retries={'max_attempts': 1}))
eks, iam, ec2, kms, sts, asg = (client(s) for s in ('eks', 'iam', 'ec2', 'kms', 'sts', 'autoscaling'))
out = {'waiters': {}, 'paginators': {}, 'errors': {}, 'other': {}}
W = {'Delay': 1, 'MaxAttempts': 60}

def err(f, *a, **k):
    try:
        f(*a, **k)
        return None
    except ClientError as e:
        return [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error'].get('Message', '')]

def wait(client_, waiter_, **kw):
    t = time.time()
    client_.get_waiter(waiter_).wait(WaiterConfig=W, **kw)
    out['waiters'].setdefault(waiter_, []).append(round(time.time() - t, 1))

def paginate(client_, op, size, key, label=None, **kw):
    pages = list(client_.get_paginator(op).paginate(PaginationConfig={'PageSize': size}, **kw))
    items = [x for p in pages for x in p.get(key, [])]
    out['paginators'][label or op] = {'pages': len(pages), 'items': len(items), 'pageSize': size}
    return items

def paginate_error(op, **kw):
    try:
        list(eks.get_paginator(op).paginate(PaginationConfig={'PageSize': 1}, **kw))
        out['paginators'][op] = 'served'
    except ClientError as e:
        out['paginators'][op] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Message']]

def trust(*services):
    return json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': list(services)}, 'Action': ['sts:AssumeRole', 'sts:TagSession']}]})

# --- IAM roles, default subnets ---------------------------------------------------------------
cluster_role = iam.create_role(RoleName='eks-cluster', AssumeRolePolicyDocument=trust('eks.amazonaws.com'))['Role']['Arn']
node_role = iam.create_role(RoleName='eks-node', AssumeRolePolicyDocument=trust('ec2.amazonaws.com'))['Role']['Arn']
fargate_role = iam.create_role(RoleName='eks-fargate', AssumeRolePolicyDocument=trust('eks-fargate-pods.amazonaws.com'))['Role']['Arn']
pod_role = iam.create_role(RoleName='eks-pods', AssumeRolePolicyDocument=trust('pods.eks.amazonaws.com'))['Role']['Arn']
for p in ('AmazonEKSClusterPolicy',):
    iam.attach_role_policy(RoleName='eks-cluster', PolicyArn='arn:aws:iam::aws:policy/' + p)
for p in ('AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'):
    iam.attach_role_policy(RoleName='eks-node', PolicyArn='arn:aws:iam::aws:policy/' + p)
subnets = [s['SubnetId'] for s in ec2.describe_subnets(Filters=[{'Name': 'default-for-az', 'Values': ['true']}])['Subnets']][:3]
vpc_config = {'subnetIds': subnets[:2]}

# --- clusters: one to live in, four more for ListClusters pages ---------------------------------
created = eks.create_cluster(name='life', roleArn=cluster_role, resourcesVpcConfig=vpc_config, accessConfig={'authenticationMode': 'API_AND_CONFIG_MAP'}, tags={'team': 'e2e'})['cluster']
out['other']['created'] = {'status': created['status'], 'endpoint': 'endpoint' in created, 'ca': created.get('certificateAuthority', {}).get('data') is not None}
for i in range(4):
    eks.create_cluster(name='extra-%d' % i, roleArn=cluster_role, resourcesVpcConfig=vpc_config)
out['errors']['duplicateCluster'] = err(eks.create_cluster, name='life', roleArn=cluster_role, resourcesVpcConfig=vpc_config)
out['errors']['badVersion'] = err(eks.create_cluster, name='old', version='1.10', roleArn=cluster_role, resourcesVpcConfig=vpc_config)
out['errors']['notFound'] = err(eks.describe_cluster, name='nope')
wait(eks, 'cluster_active', name='life')
active = eks.describe_cluster(name='life')['cluster']
out['other']['active'] = {'status': active['status'], 'endpoint': active['endpoint'].startswith('https://'), 'ca': len(active['certificateAuthority']['data']) > 100, 'version': active['version']}
clusters = paginate(eks, 'list_clusters', 2, 'clusters')
out['other']['clusters'] = sorted(clusters)

# --- node groups --------------------------------------------------------------------------------
eks.create_nodegroup(clusterName='life', nodegroupName='ng-a', nodeRole=node_role, subnets=subnets, scalingConfig={'minSize': 1, 'maxSize': 4, 'desiredSize': 2}, labels={'pool': 'a'})
eks.create_nodegroup(clusterName='life', nodegroupName='ng-b', nodeRole=node_role, subnets=subnets[:2], scalingConfig={'minSize': 1, 'maxSize': 2, 'desiredSize': 1}, capacityType='SPOT', instanceTypes=['m5.large'])
out['errors']['duplicateNodegroup'] = err(eks.create_nodegroup, clusterName='life', nodegroupName='ng-a', nodeRole=node_role, subnets=subnets)
out['errors']['badScaling'] = err(eks.create_nodegroup, clusterName='life', nodegroupName='ng-c', nodeRole=node_role, subnets=subnets, scalingConfig={'minSize': 3, 'maxSize': 1, 'desiredSize': 1})
out['errors']['nodegroupNotFound'] = err(eks.describe_nodegroup, clusterName='life', nodegroupName='nope')
wait(eks, 'nodegroup_active', clusterName='life', nodegroupName='ng-a')
wait(eks, 'nodegroup_active', clusterName='life', nodegroupName='ng-b')
out['errors']['deleteWithNodegroups'] = err(eks.delete_cluster, name='life')
paginate(eks, 'list_nodegroups', 1, 'nodegroups', clusterName='life')
ng_update = eks.update_nodegroup_config(clusterName='life', nodegroupName='ng-a', scalingConfig={'minSize': 1, 'maxSize': 5, 'desiredSize': 3})['update']
out['other']['ngUpdating'] = eks.describe_nodegroup(clusterName='life', nodegroupName='ng-a')['nodegroup']['status']
wait(eks, 'nodegroup_active', clusterName='life', nodegroupName='ng-a')
out['other']['ngUpdate'] = eks.describe_update(name='life', updateId=ng_update['id'], nodegroupName='ng-a')['update']['status']
eks.update_nodegroup_config(clusterName='life', nodegroupName='ng-a', labels={'addOrUpdateLabels': {'tier': 'web'}})
wait(eks, 'nodegroup_active', clusterName='life', nodegroupName='ng-a')
ng_updates = paginate(eks, 'list_updates', 1, 'updateIds', 'list_updates (node group)', name='life', nodegroupName='ng-a')
out['other']['ngUpdates'] = len(ng_updates)
ng = eks.describe_nodegroup(clusterName='life', nodegroupName='ng-a')['nodegroup']
out['other']['ngA'] = {'scaling': ng['scalingConfig'], 'labels': ng['labels']}
asg_names = [g['name'] for n in ('ng-a', 'ng-b') for g in eks.describe_nodegroup(clusterName='life', nodegroupName=n)['nodegroup']['resources']['autoScalingGroups']]
groups = [g for p in asg.get_paginator('describe_auto_scaling_groups').paginate(PaginationConfig={'PageSize': 1}) for g in p['AutoScalingGroups']]
out['paginators']['describe_auto_scaling_groups'] = {'items': len(groups), 'mine': sorted(g['AutoScalingGroupName'] for g in groups if g['AutoScalingGroupName'] in asg_names) == sorted(asg_names)}
out['other']['asgDesired'] = sorted(g['DesiredCapacity'] for g in groups if g['AutoScalingGroupName'] in asg_names)

# --- Fargate profiles ---------------------------------------------------------------------------
eks.create_fargate_profile(clusterName='life', fargateProfileName='fp-default', podExecutionRoleArn=fargate_role, subnets=subnets[:2], selectors=[{'namespace': 'default'}])
wait(eks, 'fargate_profile_active', clusterName='life', fargateProfileName='fp-default')
eks.create_fargate_profile(clusterName='life', fargateProfileName='fp-batch', podExecutionRoleArn=fargate_role, subnets=subnets[:2], selectors=[{'namespace': 'batch', 'labels': {'run': 'fargate'}}])
wait(eks, 'fargate_profile_active', clusterName='life', fargateProfileName='fp-batch')
out['errors']['duplicateFargate'] = err(eks.create_fargate_profile, clusterName='life', fargateProfileName='fp-batch', podExecutionRoleArn=fargate_role, subnets=subnets[:2], selectors=[{'namespace': 'x'}])
paginate(eks, 'list_fargate_profiles', 1, 'fargateProfileNames', clusterName='life')

# --- add-ons ------------------------------------------------------------------------------------
version = active['version']
paginate(eks, 'describe_addon_versions', 2, 'addons', kubernetesVersion=version)
eks.create_addon(clusterName='life', addonName='vpc-cni')
eks.create_addon(clusterName='life', addonName='kube-proxy')
out['errors']['duplicateAddon'] = err(eks.create_addon, clusterName='life', addonName='vpc-cni')
out['errors']['unknownAddon'] = err(eks.create_addon, clusterName='life', addonName='no-such-addon')
wait(eks, 'addon_active', clusterName='life', addonName='vpc-cni')
wait(eks, 'addon_active', clusterName='life', addonName='kube-proxy')
paginate(eks, 'list_addons', 1, 'addons', clusterName='life')
out['errors']['addonNotFound'] = err(eks.describe_addon, clusterName='life', addonName='coredns')

# --- access entries and policies, pod identity ------------------------------------------------
paginate(eks, 'list_access_policies', 3, 'accessPolicies')
eks.create_access_entry(clusterName='life', principalArn=pod_role, kubernetesGroups=['viewers'])
admin = iam.create_role(RoleName='eks-admin', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::%s:root' % ACCOUNT}, 'Action': 'sts:AssumeRole'}]}))['Role']['Arn']
eks.create_access_entry(clusterName='life', principalArn=admin)
out['errors']['duplicateAccessEntry'] = err(eks.create_access_entry, clusterName='life', principalArn=admin)
for pol, scope in (('AmazonEKSClusterAdminPolicy', {'type': 'cluster'}), ('AmazonEKSViewPolicy', {'type': 'namespace', 'namespaces': ['default', 'kube-system']}), ('AmazonEKSEditPolicy', {'type': 'namespace', 'namespaces': ['apps']})):
    eks.associate_access_policy(clusterName='life', principalArn=admin, policyArn='arn:aws:eks::aws:cluster-access-policy/' + pol, accessScope=scope)
entries = paginate(eks, 'list_access_entries', 1, 'accessEntries', clusterName='life')
out['other']['accessEntries'] = sorted(entries)
paginate(eks, 'list_associated_access_policies', 1, 'associatedAccessPolicies', clusterName='life', principalArn=admin)
for sa in ('sa-1', 'sa-2', 'sa-3'):
    eks.create_pod_identity_association(clusterName='life', namespace='apps', serviceAccount=sa, roleArn=pod_role)
out['errors']['duplicatePodIdentity'] = err(eks.create_pod_identity_association, clusterName='life', namespace='apps', serviceAccount='sa-1', roleArn=pod_role)
paginate(eks, 'list_pod_identity_associations', 2, 'associations', clusterName='life')
paginate(eks, 'describe_cluster_versions', 2, 'clusterVersions')
for op in ('list_capabilities', 'list_identity_provider_configs', 'list_insights'):
    paginate_error(op, clusterName='life')
paginate_error('list_eks_anywhere_subscriptions')
out['other']['paginatorNames'] = sorted(op for op in eks.meta.service_model.operation_names if eks.can_paginate(botocore.xform_name(op)))

# --- cluster updates: one in flight at a time, "no changes" 400, list_updates pages ------------
u1 = eks.update_cluster_config(name='life', logging={'clusterLogging': [{'types': ['api', 'audit'], 'enabled': True}]})['update']
out['errors']['secondUpdate'] = err(eks.update_cluster_config, name='life', logging={'clusterLogging': [{'types': ['scheduler'], 'enabled': True}]})
out['other']['updating'] = eks.describe_cluster(name='life')['cluster']['status']
wait(eks, 'cluster_active', name='life')
out['other']['clusterUpdate'] = eks.describe_update(name='life', updateId=u1['id'])['update']['status']
out['errors']['noChange'] = err(eks.update_cluster_config, name='life', logging={'clusterLogging': [{'types': ['api', 'audit'], 'enabled': True}]})
eks.update_cluster_config(name='life', logging={'clusterLogging': [{'types': ['authenticator'], 'enabled': True}]})
wait(eks, 'cluster_active', name='life')
paginate(eks, 'list_updates', 1, 'updateIds', name='life')
eks.tag_resource(resourceArn=active['arn'], tags={'stage': 'test'})
out['other']['tags'] = eks.list_tags_for_resource(resourceArn=active['arn'])['tags']

# --- identity: denied user, unknown key, wrong secrets, STS session credentials -----------------
iam.create_user(UserName='viewer')
iam.put_user_policy(UserName='viewer', PolicyName='eks-read', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['eks:Describe*', 'eks:List*'], 'Resource': '*'}]}))
key = iam.create_access_key(UserName='viewer')['AccessKey']
viewer = client('eks', key['AccessKeyId'], key['SecretAccessKey'])
out['other']['viewerList'] = sorted(viewer.list_clusters()['clusters'])
out['errors']['accessDenied'] = err(viewer.create_cluster, name='denied', roleArn=cluster_role, resourcesVpcConfig=vpc_config)
out['errors']['unknownKey'] = err(client('eks', 'AKIAUNKNOWNKEY000000', 'x').list_clusters)
out['errors']['unknownKeyIam'] = err(client('iam', 'AKIAUNKNOWNKEY000000', 'x').list_users)
out['errors']['wrongSecretEks'] = err(client('eks', 'test', 'wrong').list_clusters)
out['errors']['wrongSecretKms'] = err(client('kms', 'test', 'wrong').list_keys)
out['errors']['wrongSecretIam'] = err(client('iam', 'test', 'wrong').list_users)
out['errors']['wrongSecretEc2'] = err(client('ec2', 'test', 'wrong').describe_vpcs)
iam.put_role_policy(RoleName='eks-admin', PolicyName='eks-list', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'eks:ListClusters', 'Resource': '*'}]}))
creds = sts.assume_role(RoleArn=admin, RoleSessionName='e2e')['Credentials']
session_eks = client('eks', creds['AccessKeyId'], creds['SecretAccessKey'], creds['SessionToken'])
out['other']['sessionList'] = len(session_eks.list_clusters()['clusters'])
out['other']['sessionWho'] = client('sts', creds['AccessKeyId'], creds['SecretAccessKey'], creds['SessionToken']).get_caller_identity()['Arn']
out['errors']['sessionDenied'] = err(session_eks.describe_cluster, name='life')
out['other']['rootWho'] = sts.get_caller_identity()['Arn']

# Requests signed 20 minutes ago, by hand with botocore.auth.SigV4Auth at a fixed time, parsed by botocore.
http = botocore.httpsession.URLLib3Session()
session = botocore.session.get_session()
def signed_at(service, op, method, path, body, when, headers):
    req = botocore.awsrequest.AWSRequest(method=method, url=E + path, data=body, headers=headers)
    real = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: when
    try:
        botocore.auth.SigV4Auth(botocore.credentials.Credentials('test', 'test'), service, 'us-east-1').add_auth(req)
    finally:
        botocore.auth.get_current_datetime = real
    resp = http.send(req.prepare())
    model = session.get_service_model(service)
    parsed = botocore.parsers.create_parser(model.metadata['protocol']).parse({'status_code': resp.status_code, 'headers': resp.headers, 'body': resp.content}, model.operation_model(op).output_shape)
    e = parsed.get('Error', {})
    return [e.get('Code'), resp.status_code, e.get('Message')]
now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
old = now - datetime.timedelta(minutes=20)
form = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}
out['errors']['expiredEks'] = signed_at('eks', 'ListClusters', 'GET', '/clusters', None, old, {})
out['errors']['expiredKms'] = signed_at('kms', 'ListKeys', 'POST', '/', b'{}', old, {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.ListKeys'})
out['errors']['expiredIam'] = signed_at('iam', 'ListUsers', 'POST', '/', b'Action=ListUsers&Version=2010-05-08', old, form)
out['errors']['expiredEc2'] = signed_at('ec2', 'DescribeVpcs', 'POST', '/', b'Action=DescribeVpcs&Version=2016-11-15', old, form)
out['other']['freshByHand'] = signed_at('eks', 'ListClusters', 'GET', '/clusters', None, now, {})[1]
out['errors']['notImplemented'] = err(eks.describe_insight, clusterName='life', id='x')
out['errors']['notImplementedEc2'] = err(ec2.describe_flow_logs)

# --- EC2, IAM, KMS, Auto Scaling waiters and paginators -----------------------------------------
vpc = ec2.create_vpc(CidrBlock='10.42.0.0/16')['Vpc']['VpcId']
wait(ec2, 'vpc_available', VpcIds=[vpc])
sub = ec2.create_subnet(VpcId=vpc, CidrBlock='10.42.1.0/24', AvailabilityZone='us-east-1a')['Subnet']['SubnetId']
wait(ec2, 'subnet_available', SubnetIds=[sub])
paginate(ec2, 'describe_subnets', 5, 'Subnets')
ids = [i['InstanceId'] for i in ec2.run_instances(ImageId='ami-0123456789abcdef0', InstanceType='t3.micro', MinCount=6, MaxCount=6, SubnetId=sub, TagSpecifications=[{'ResourceType': 'instance', 'Tags': [{'Key': 'suite', 'Value': 'boto3'}]}])['Instances']]
wait(ec2, 'instance_running', InstanceIds=ids)
reservations = paginate(ec2, 'describe_instances', 5, 'Reservations', Filters=[{'Name': 'tag:suite', 'Values': ['boto3']}])
out['other']['instances'] = sum(len(r['Instances']) for r in reservations)
ec2.terminate_instances(InstanceIds=ids)
wait(ec2, 'instance_terminated', InstanceIds=ids)
for i in range(5):
    iam.create_user(UserName='pager-%d' % i)
wait(iam, 'user_exists', UserName='pager-4')
wait(iam, 'role_exists', RoleName='eks-node')
pol = iam.create_policy(PolicyName='custom', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'eks:List*', 'Resource': '*'}]}))['Policy']['Arn']
wait(iam, 'policy_exists', PolicyArn=pol)
iam.create_instance_profile(InstanceProfileName='nodes')
wait(iam, 'instance_profile_exists', InstanceProfileName='nodes')
iam_items = {
    'list_users': len(paginate(iam, 'list_users', 2, 'Users')),
    'list_roles': len(paginate(iam, 'list_roles', 2, 'Roles')),
    'list_policies': len(paginate(iam, 'list_policies', 10, 'Policies', Scope='AWS')),
    'list_attached_role_policies': len(paginate(iam, 'list_attached_role_policies', 1, 'AttachedPolicies', RoleName='eks-node')),
}
out['other']['iam'] = iam_items
out['errors']['iamNoSuchEntity'] = err(iam.get_role, RoleName='nope')
for i in range(3):
    k = kms.create_key(Description='k%d' % i)['KeyMetadata']['KeyId']
    kms.create_alias(AliasName='alias/e2e-%d' % i, TargetKeyId=k)
paginate(kms, 'list_keys', 2, 'Keys')
paginate(kms, 'list_aliases', 2, 'Aliases')
blob = kms.encrypt(KeyId='alias/e2e-0', Plaintext=b'secret')['CiphertextBlob']
out['other']['kmsRoundTrip'] = kms.decrypt(CiphertextBlob=blob)['Plaintext'].decode()
out['errors']['kmsNotFound'] = err(kms.describe_key, KeyId='alias/nope')

# --- tear down: every delete waiter -------------------------------------------------------------
eks.delete_addon(clusterName='life', addonName='vpc-cni')
eks.delete_addon(clusterName='life', addonName='kube-proxy')
wait(eks, 'addon_deleted', clusterName='life', addonName='vpc-cni')
wait(eks, 'addon_deleted', clusterName='life', addonName='kube-proxy')
eks.delete_nodegroup(clusterName='life', nodegroupName='ng-a')
eks.delete_nodegroup(clusterName='life', nodegroupName='ng-b')
wait(eks, 'nodegroup_deleted', clusterName='life', nodegroupName='ng-a')
wait(eks, 'nodegroup_deleted', clusterName='life', nodegroupName='ng-b')
out['errors']['deleteWithFargate'] = err(eks.delete_cluster, name='life')
eks.delete_fargate_profile(clusterName='life', fargateProfileName='fp-default')
wait(eks, 'fargate_profile_deleted', clusterName='life', fargateProfileName='fp-default')
eks.delete_fargate_profile(clusterName='life', fargateProfileName='fp-batch')
wait(eks, 'fargate_profile_deleted', clusterName='life', fargateProfileName='fp-batch')
out['other']['asgsLeft'] = [g['AutoScalingGroupName'] for g in asg.describe_auto_scaling_groups(AutoScalingGroupNames=asg_names)['AutoScalingGroups']]
for name in ['life'] + ['extra-%d' % i for i in range(4)]:
    eks.delete_cluster(name=name)
out['other']['deleting'] = eks.describe_cluster(name='life')['cluster']['status']
for name in ['life'] + ['extra-%d' % i for i in range(4)]:
    wait(eks, 'cluster_deleted', name=name)
out['other']['clustersLeft'] = eks.list_clusters()['clusters']
# A waiter that cannot succeed fails fast on its failure state, as botocore's acceptors say.
eks.create_cluster(name='doomed', roleArn=cluster_role, resourcesVpcConfig=vpc_config)
eks.get_waiter('cluster_active').wait(name='doomed', WaiterConfig=W)
eks.delete_cluster(name='doomed')
try:
    eks.get_waiter('cluster_active').wait(name='doomed', WaiterConfig=W)
    out['other']['waiterFailure'] = None
except WaiterError as e:
    out['other']['waiterFailure'] = str(e)
wait(eks, 'cluster_deleted', name='doomed')
print(json.dumps(out))
`;

let srv: RunningAwsServer | undefined;

before(async () => {
  if (hasBoto3()) srv = await startAwsServer();
});
after(async () => {
  if (!srv) return;
  await srv.stop();
  removeDir(srv.dataDir);
});

it('boto3: a cluster\'s whole life through every EKS waiter and paginator, and each error with its code and status', { skip: !hasBoto3() && 'python3 cannot import boto3', timeout: 150_000 }, () => {
  const r = runPython(SCRIPT, [srv!.url], {}, 140_000);
  assert.equal(r.status, 0, `boto3 script failed:\n${r.stderr}\nserver:\n${srv!.stderr().slice(-3000)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    waiters: Record<string, number[]>;
    paginators: Record<string, { pages: number; items: number; pageSize: number } | [string, number, string] | Record<string, unknown>>;
    errors: Record<string, [string, number, string] | null>;
    other: Record<string, any>;
  };

  // Every EKS waiter botocore defines ran to success (and the slow-path waiter failure was quick).
  const eksWaiters = ['addon_active', 'addon_deleted', 'cluster_active', 'cluster_deleted', 'fargate_profile_active', 'fargate_profile_deleted', 'nodegroup_active', 'nodegroup_deleted'];
  for (const w of eksWaiters) assert.ok(out.waiters[w]?.length, `EKS waiter ${w} ran`);
  for (const w of ['instance_running', 'instance_terminated', 'vpc_available', 'subnet_available', 'user_exists', 'role_exists', 'policy_exists', 'instance_profile_exists']) assert.ok(out.waiters[w]?.length, `waiter ${w} ran`);
  for (const [w, times] of Object.entries(out.waiters)) for (const t of times) assert.ok(t < 20, `${w} took ${t} s`);
  assert.match(out.other.waiterFailure, /Waiter ClusterActive failed: Waiter encountered a terminal failure state: For expression "cluster.status" we matched expected path: "DELETING"/);

  // Every EKS paginator botocore defines: served ones span several pages; the rest are 501s.
  const served = ['describe_addon_versions', 'describe_cluster_versions', 'list_access_entries', 'list_access_policies', 'list_addons', 'list_associated_access_policies', 'list_clusters', 'list_fargate_profiles', 'list_nodegroups', 'list_pod_identity_associations', 'list_updates'];
  const unimplemented = { list_capabilities: 'ListCapabilities', list_eks_anywhere_subscriptions: 'ListEksAnywhereSubscriptions', list_identity_provider_configs: 'ListIdentityProviderConfigs', list_insights: 'ListInsights' };
  const pascal = (s: string) => s.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  assert.deepEqual(out.other.paginatorNames, [...served, ...Object.keys(unimplemented)].map(pascal).sort(), 'the paginators botocore defines for EKS');
  for (const p of served) {
    const got = out.paginators[p] as { pages: number; items: number; pageSize: number };
    assert.ok(got.pages >= 2 && got.items > got.pageSize, `${p} spans pages: ${JSON.stringify(got)}`);
  }
  assert.equal((out.paginators.list_clusters as { items: number }).items, 5);
  assert.deepEqual(out.paginators['list_updates (node group)'], { pages: 2, items: 2, pageSize: 1 });
  assert.equal((out.paginators.list_updates as { items: number }).items, 2, 'the cluster\'s two logging updates');
  assert.equal((out.paginators.list_nodegroups as { items: number }).items, 2);
  assert.equal((out.paginators.list_fargate_profiles as { items: number }).items, 2);
  assert.equal((out.paginators.list_addons as { items: number }).items, 2);
  assert.equal((out.paginators.list_associated_access_policies as { items: number }).items, 3);
  assert.equal((out.paginators.list_pod_identity_associations as { items: number }).items, 3);
  for (const [p, op] of Object.entries(unimplemented)) assert.deepEqual(out.paginators[p], ['NotImplemented', 501, `The operation ${op} of service eks is not implemented by eksplane yet`]);
  for (const p of ['describe_subnets', 'describe_instances', 'list_users', 'list_roles', 'list_policies', 'list_attached_role_policies', 'list_keys', 'list_aliases']) {
    const got = out.paginators[p] as { pages: number; items: number; pageSize: number };
    assert.ok(got.pages >= 2, `${p} spans pages: ${JSON.stringify(got)}`);
  }
  assert.deepEqual(out.paginators.describe_auto_scaling_groups, { items: 2, mine: true });

  // The lifecycle as clients see it.
  assert.deepEqual(out.other.created, { status: 'CREATING', endpoint: false, ca: false });
  assert.deepEqual({ ...out.other.active, version: undefined }, { status: 'ACTIVE', endpoint: true, ca: true, version: undefined });
  assert.deepEqual(out.other.clusters, ['extra-0', 'extra-1', 'extra-2', 'extra-3', 'life']);
  assert.equal(out.other.ngUpdating, 'UPDATING');
  assert.equal(out.other.ngUpdate, 'Successful');
  assert.equal(out.other.ngUpdates, 2);
  assert.deepEqual(out.other.ngA, { scaling: { minSize: 1, maxSize: 5, desiredSize: 3 }, labels: { pool: 'a', tier: 'web' } });
  assert.deepEqual(out.other.asgDesired, [1, 3], 'the node groups\' Auto Scaling groups follow their scaling');
  assert.equal(out.other.updating, 'UPDATING');
  assert.equal(out.other.clusterUpdate, 'Successful');
  assert.deepEqual(out.other.tags, { team: 'e2e', stage: 'test' });
  assert.deepEqual(out.other.accessEntries.length, 4, 'the creator (bootstrapClusterCreatorAdminPermissions), two roles, and the EC2_LINUX entry EKS makes for the node groups\' role');
  assert.deepEqual(out.other.viewerList, ['extra-0', 'extra-1', 'extra-2', 'extra-3', 'life']);
  assert.equal(out.other.sessionList, 5);
  assert.equal(out.other.sessionWho, 'arn:aws:sts::000000000000:assumed-role/eks-admin/e2e');
  assert.equal(out.other.rootWho, 'arn:aws:iam::000000000000:root');
  assert.equal(out.other.freshByHand, 200, 'the hand signer is right: a fresh signature is accepted');
  assert.equal(out.other.instances, 6);
  assert.ok(out.other.iam.list_policies >= 4, 'AWS managed policies EKS uses');
  assert.equal(out.other.iam.list_attached_role_policies, 3);
  assert.equal(out.other.kmsRoundTrip, 'secret');
  assert.deepEqual(out.other.asgsLeft, [], 'deleting a node group deletes its Auto Scaling group');
  assert.equal(out.other.deleting, 'DELETING');
  assert.deepEqual(out.other.clustersLeft, []);

  // Each error with its exact code and HTTP status (and EKS's wording where tools match on it).
  const e = out.errors;
  assert.deepEqual(e.notFound, ['ResourceNotFoundException', 404, 'No cluster found for name: nope.']);
  assert.deepEqual(e.nodegroupNotFound?.slice(0, 2), ['ResourceNotFoundException', 404]);
  assert.deepEqual(e.addonNotFound?.slice(0, 2), ['ResourceNotFoundException', 404]);
  assert.deepEqual(e.duplicateCluster, ['ResourceInUseException', 409, 'Cluster already exists with name: life']);
  assert.deepEqual(e.duplicateNodegroup, ['ResourceInUseException', 409, 'NodeGroup already exists with name ng-a and cluster name life']);
  assert.deepEqual(e.duplicateFargate?.slice(0, 2), ['ResourceInUseException', 409]);
  assert.deepEqual(e.duplicateAddon?.slice(0, 2), ['ResourceInUseException', 409]);
  assert.deepEqual(e.duplicateAccessEntry?.slice(0, 2), ['ResourceInUseException', 409]);
  assert.deepEqual(e.duplicatePodIdentity?.slice(0, 2), ['ResourceInUseException', 409]);
  assert.deepEqual(e.deleteWithNodegroups, ['ResourceInUseException', 409, 'Cluster has nodegroups attached']);
  assert.deepEqual(e.deleteWithFargate?.slice(0, 2), ['ResourceInUseException', 409]);
  assert.equal(e.secondUpdate?.[0], 'ResourceInUseException');
  assert.equal(e.secondUpdate?.[1], 409);
  assert.match(e.secondUpdate![2], /^Cannot LoggingUpdate because cluster life currently has update \S+ in progress$/);
  assert.deepEqual(e.badVersion, ['InvalidParameterException', 400, 'unsupported Kubernetes version']);
  assert.deepEqual(e.badScaling, ['InvalidParameterException', 400, "Minimum capacity 3 can't be greater than desired size 1"]);
  assert.deepEqual(e.unknownAddon?.slice(0, 2), ['InvalidParameterException', 400]);
  assert.deepEqual(e.noChange, ['InvalidParameterException', 400, 'No changes needed for the logging config provided']);
  assert.deepEqual(e.accessDenied, ['AccessDeniedException', 403, 'User: arn:aws:iam::000000000000:user/viewer is not authorized to perform: eks:CreateCluster on resource: arn:aws:eks:us-east-1:000000000000:cluster/denied']);
  assert.deepEqual(e.sessionDenied?.slice(0, 2), ['AccessDeniedException', 403]);
  assert.deepEqual(e.unknownKey, ['UnrecognizedClientException', 403, 'The security token included in the request is invalid.']);
  assert.deepEqual(e.unknownKeyIam, ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']);
  assert.deepEqual(e.wrongSecretEks?.slice(0, 2), ['InvalidSignatureException', 403]);
  assert.deepEqual(e.wrongSecretKms?.slice(0, 2), ['InvalidSignatureException', 403]);
  assert.deepEqual(e.wrongSecretIam?.slice(0, 2), ['SignatureDoesNotMatch', 403]);
  assert.deepEqual(e.wrongSecretEc2?.slice(0, 2), ['AuthFailure', 401]);
  const expired = /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/;
  assert.deepEqual(e.expiredEks?.slice(0, 2), ['InvalidSignatureException', 400]);
  assert.match(e.expiredEks![2], expired);
  assert.deepEqual(e.expiredKms?.slice(0, 2), ['InvalidSignatureException', 400]);
  assert.deepEqual(e.expiredIam?.slice(0, 2), ['SignatureDoesNotMatch', 403]);
  assert.match(e.expiredIam![2], expired);
  assert.deepEqual(e.expiredEc2, ['RequestExpired', 400, 'Request has expired.']);
  assert.deepEqual(e.notImplemented, ['NotImplemented', 501, 'The operation DescribeInsight of service eks is not implemented by eksplane yet']);
  assert.deepEqual(e.notImplementedEc2, ['NotImplemented', 501, 'The operation DescribeFlowLogs of service ec2 is not implemented by eksplane yet']);
  assert.deepEqual(e.iamNoSuchEntity?.slice(0, 2), ['NoSuchEntity', 404]);
  assert.deepEqual(e.kmsNotFound?.slice(0, 2), ['NotFoundException', 404], 'the @httpError of the Smithy model');
});
