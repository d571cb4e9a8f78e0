/**
 * The commercial AWS regions and their availability zones as a fresh account sees them: the
 * regions enabled by default (`opt-in-not-required`) and the opt-in ones (`not-opted-in`, listed by
 * DescribeRegions only with AllRegions), each with its zone names and zone ids (`use1-az1`).
 * Real accounts map zone names to zone ids differently; here the mapping is fixed. Every region has
 * at least three zones (us-west-1 gets a third one it lacks in most real accounts).
 */

/** One availability zone. */
export interface Zone {
  name: string;
  id: string;
  region: string;
}

/** One region and its zone letters. */
export interface RegionInfo {
  name: string;
  /** Zone-id prefix (`use1`). */
  short: string;
  letters: string;
  optIn: boolean;
}

const row = (name: string, short: string, letters = 'abc', optIn = false): RegionInfo => ({ name, short, letters, optIn });

/** The regions, enabled ones first. */
export const REGIONS: readonly RegionInfo[] = [
  row('us-east-1', 'use1', 'abcdef'),
  row('us-east-2', 'use2'),
  row('us-west-1', 'usw1'),
  row('us-west-2', 'usw2', 'abcd'),
  row('ap-south-1', 'aps1'),
  row('ap-northeast-1', 'apne1', 'acd'),
  row('ap-northeast-2', 'apne2', 'abcd'),
  row('ap-northeast-3', 'apne3'),
  row('ap-southeast-1', 'apse1'),
  row('ap-southeast-2', 'apse2'),
  row('ca-central-1', 'cac1', 'abd'),
  row('eu-central-1', 'euc1'),
  row('eu-west-1', 'euw1'),
  row('eu-west-2', 'euw2'),
  row('eu-west-3', 'euw3'),
  row('eu-north-1', 'eun1'),
  row('sa-east-1', 'sae1'),
  row('af-south-1', 'afs1', 'abc', true),
  row('ap-east-1', 'ape1', 'abc', true),
  row('ap-south-2', 'aps2', 'abc', true),
  row('ap-southeast-3', 'apse3', 'abc', true),
  row('ap-southeast-4', 'apse4', 'abc', true),
  row('ap-southeast-5', 'apse5', 'abc', true),
  row('ap-southeast-7', 'apse7', 'abc', true),
  row('ca-west-1', 'caw1', 'abc', true),
  row('eu-central-2', 'euc2', 'abc', true),
  row('eu-south-1', 'eus1', 'abc', true),
  row('eu-south-2', 'eus2', 'abc', true),
  row('il-central-1', 'ilc1', 'abc', true),
  row('me-central-1', 'mec1', 'abc', true),
  row('me-south-1', 'mes1', 'abc', true),
  row('mx-central-1', 'mxc1', 'abc', true),
];

const BY_NAME = new Map(REGIONS.map((r) => [r.name, r]));

/** The region named `name`, or undefined. */
export function regionInfo(name: string): RegionInfo | undefined {
  return BY_NAME.get(name);
}

/**
 * The zones of `region`. A region outside the table (a custom name in a signed request) gets three
 * zones `<region>a..c` so that everything still works there.
 */
export function zonesOf(region: string): Zone[] {
  const r = BY_NAME.get(region) ?? { name: region, short: region.replace(/[^a-z0-9]/g, '').slice(0, 8), letters: 'abc', optIn: false };
  return [...r.letters].map((l, i) => ({ name: `${region}${l}`, id: `${r.short}-az${i + 1}`, region }));
}

/** The zone of `region` named `nameOrId` (a zone name or a zone id), or undefined. */
export function findZone(region: string, nameOrId: string): Zone | undefined {
  return zonesOf(region).find((z) => z.name === nameOrId || z.id === nameOrId);
}
