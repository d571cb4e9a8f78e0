/**
 * Launch templates and their versions in the store: a template document (default and latest
 * version numbers), one document per version, and a name index created with create-if-absent so
 * names stay unique across concurrent creates. `resolveLaunchTemplate` turns `{id | name, version}`
 * (`$Latest`, `$Default` or a number) into a template and version, with EC2's NotFound errors —
 * RunInstances, Auto Scaling (through Ec2Api) and the handlers share it.
 */
import { Table } from '../../state/table.js';
import { Ec2Errors } from './errors.js';
import { newId } from './ids.js';
import type { LaunchTemplateDoc, LaunchTemplateVersionDoc, Tag } from './model.js';
import type { Ec2Region } from './state.js';

/** `{id | name, version}` as callers name a template. */
export interface LaunchTemplateSpec {
  id?: string;
  name?: string;
  version?: string;
}

const pad = (n: number) => String(n).padStart(10, '0');

function nameIndex(r: Ec2Region): Table<{ id: string }> {
  return new Table(r.env.store, { service: 'ec2', account: r.account, region: r.region, type: 'launch-template-name' });
}

/** The template named by id or name (InvalidLaunchTemplateId.NotFound / …Name.NotFoundException). */
export async function findLaunchTemplate(r: Ec2Region, spec: LaunchTemplateSpec): Promise<LaunchTemplateDoc> {
  if (spec.id) return r.must(r.launchTemplates, spec.id, Ec2Errors.ltNotFoundId);
  if (!spec.name) throw Ec2Errors.ltIdOrName();
  const idx = await nameIndex(r).get(spec.name);
  const lt = idx ? await r.launchTemplates.get(idx.value.id) : undefined;
  if (!lt) throw Ec2Errors.ltNotFoundName(spec.name);
  return lt.value;
}

/** The number a version string means for `lt` (`$Latest`, `$Default`, absent: default). */
export function versionNumber(lt: LaunchTemplateDoc, version: string | undefined): number {
  if (version === undefined || version === '$Default') return lt.DefaultVersionNumber;
  if (version === '$Latest') return lt.LatestVersionNumber;
  if (!/^\d+$/.test(version)) throw Ec2Errors.ltVersionNotFound(version, lt.LaunchTemplateId);
  return Number(version);
}

/** One version of a template, or InvalidLaunchTemplateId.VersionNotFound. */
export async function getVersion(r: Ec2Region, lt: LaunchTemplateDoc, n: number, asked = String(n)): Promise<LaunchTemplateVersionDoc> {
  const v = await r.ltVersions(lt.LaunchTemplateId).get(pad(n));
  if (!v) throw Ec2Errors.ltVersionNotFound(asked, lt.LaunchTemplateId);
  return v.value;
}

/** Template and version for a spec. */
export async function resolveLaunchTemplate(r: Ec2Region, spec: LaunchTemplateSpec): Promise<{ lt: LaunchTemplateDoc; version: LaunchTemplateVersionDoc }> {
  const lt = await findLaunchTemplate(r, spec);
  return { lt, version: await getVersion(r, lt, versionNumber(lt, spec.version), spec.version) };
}

/** Every version of a template, ascending. */
export async function allVersions(r: Ec2Region, ltId: string): Promise<LaunchTemplateVersionDoc[]> {
  return r.all(r.ltVersions(ltId));
}

/** Creates a template with version 1; InvalidLaunchTemplateName.AlreadyExistsException on a taken name. */
export async function createLaunchTemplate(r: Ec2Region, o: { name: string; data: Record<string, unknown>; description?: string; createdBy: string; tags: Tag[] }): Promise<LaunchTemplateDoc> {
  const id = newId('lt');
  if (!(await nameIndex(r).create(o.name, { id }))) throw Ec2Errors.ltDuplicate();
  const lt: LaunchTemplateDoc = { LaunchTemplateId: id, LaunchTemplateName: o.name, CreateTime: r.now(), CreatedBy: o.createdBy, DefaultVersionNumber: 1, LatestVersionNumber: 1, Tags: o.tags };
  await r.ltVersions(id).create(pad(1), { LaunchTemplateId: id, LaunchTemplateName: o.name, VersionNumber: 1, VersionDescription: o.description, CreateTime: lt.CreateTime, CreatedBy: o.createdBy, LaunchTemplateData: o.data });
  await r.launchTemplates.create(id, lt);
  return lt;
}

/** Adds the next version (its number taken with compare-and-swap on the template). */
export async function addVersion(r: Ec2Region, lt: LaunchTemplateDoc, o: { data: Record<string, unknown>; description?: string; createdBy: string }): Promise<LaunchTemplateVersionDoc> {
  const updated = await r.launchTemplates.modify(lt.LaunchTemplateId, (x) => ({ ...x, LatestVersionNumber: x.LatestVersionNumber + 1 }));
  if (!updated) throw Ec2Errors.ltNotFoundId(lt.LaunchTemplateId);
  const doc: LaunchTemplateVersionDoc = {
    LaunchTemplateId: lt.LaunchTemplateId,
    LaunchTemplateName: lt.LaunchTemplateName,
    VersionNumber: updated.LatestVersionNumber,
    VersionDescription: o.description,
    CreateTime: r.now(),
    CreatedBy: o.createdBy,
    LaunchTemplateData: o.data,
  };
  await r.ltVersions(lt.LaunchTemplateId).create(pad(doc.VersionNumber), doc);
  return doc;
}

/** Deletes a template, its versions and its name. */
export async function deleteLaunchTemplate(r: Ec2Region, lt: LaunchTemplateDoc): Promise<void> {
  const versions = r.ltVersions(lt.LaunchTemplateId);
  for (const v of await versions.list()) await versions.delete(v.id);
  await r.launchTemplates.delete(lt.LaunchTemplateId);
  await nameIndex(r).delete(lt.LaunchTemplateName);
}

/** Deletes one version (the caller has checked it is not the default). */
export async function deleteVersion(r: Ec2Region, ltId: string, n: number): Promise<boolean> {
  return r.ltVersions(ltId).delete(pad(n));
}
