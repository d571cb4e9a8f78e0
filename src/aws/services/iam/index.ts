/**
 * IAM for eksplane: the IAM endpoint's handlers over src/aws/identity's IamState.
 */
export { createIamService, type IamServiceOptions } from './iam-service.js';
export { documentIn, encodePolicyDocuments, paginate } from './output.js';
export { serviceLinkedRoleName } from './handlers-roles.js';
