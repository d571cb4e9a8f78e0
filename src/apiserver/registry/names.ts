/** Which rule a resource's names follow, as upstream's per-resource ValidateObjectMeta name functions. */
import { nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from '../../apimachinery/validation.js';

export function nameValidator(rule: 'subdomain' | 'label' | 'path-segment' = 'subdomain'): NameValidator {
  if (rule === 'label') return nameIsDNSLabel;
  if (rule === 'path-segment') return pathSegment;
  return nameIsDNSSubdomain;
}

/** As upstream's path.ValidatePathSegmentName. */
const pathSegment: NameValidator = (name, prefix) => {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
  return [];
};
