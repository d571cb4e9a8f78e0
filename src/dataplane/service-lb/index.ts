/** Load balancers for Services of type LoadBalancer: the in-tree AWS service controller and the AWS Load Balancer Controller. */
export { ServiceLoadBalancerController, LB_CLEANUP_FINALIZER, wantsLoadBalancer, type ServiceLoadBalancerControllerOptions } from './service-controller.js';
export { AwsLoadBalancerController, LBC_SERVICE_FINALIZER, lbcSupports, type AwsLoadBalancerControllerOptions } from './aws-load-balancer-controller.js';
export { AWS_LBC_CLASS, LB_ANNOTATIONS, inTreeHostname, lbcHostname } from './hostnames.js';
