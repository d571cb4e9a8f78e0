/**
 * Launch template operations: Create, CreateLaunchTemplateVersion (optionally from a source
 * version, whose data the new data overrides member by member), Describe (templates and
 * versions, with `$Latest` / `$Default` and min/max), Modify (default version), Delete and
 * DeleteLaunchTemplateVersions (never the default one).
 */
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import {
  addVersion, allVersions, createLaunchTemplate, deleteLaunchTemplate, deleteVersion, findLaunchTemplate, getVersion, versionNumber,
} from '../launch-templates.js';
import type { LaunchTemplateDoc, LaunchTemplateVersionDoc } from '../model.js';
import { paginate } from '../paginate.js';
import { tagsFromSpecs } from '../tags.js';

interface LtRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
}
const ref = (i: LtRef) => ({ id: i.LaunchTemplateId, name: i.LaunchTemplateName });

function versionWire(lt: LaunchTemplateDoc, v: LaunchTemplateVersionDoc): Record<string, unknown> {
  return { ...v, DefaultVersion: v.VersionNumber === lt.DefaultVersionNumber };
}

const LT_FIELDS = {
  'launch-template-name': (lt: LaunchTemplateDoc) => lt.LaunchTemplateName,
  'create-time': (lt: LaunchTemplateDoc) => new Date(lt.CreateTime).toISOString(),
};

const VERSION_FIELDS = {
  'is-default-version': (x: { lt: LaunchTemplateDoc; v: LaunchTemplateVersionDoc }) => x.v.VersionNumber === x.lt.DefaultVersionNumber,
  'image-id': (x: { lt: LaunchTemplateDoc; v: LaunchTemplateVersionDoc }) => x.v.LaunchTemplateData.ImageId,
  'instance-type': (x: { lt: LaunchTemplateDoc; v: LaunchTemplateVersionDoc }) => x.v.LaunchTemplateData.InstanceType,
  'create-time': (x: { lt: LaunchTemplateDoc; v: LaunchTemplateVersionDoc }) => new Date(x.v.CreateTime).toISOString(),
};

/** Launch template operations. */
export const launchTemplateHandlers: Record<string, Ec2Handler> = {
  CreateLaunchTemplate: op<{ LaunchTemplateName: string; LaunchTemplateData: Record<string, unknown>; VersionDescription?: string; TagSpecifications?: TagSpec[] }>(async (i, r, ctx) => {
    const lt = await createLaunchTemplate(r, {
      name: i.LaunchTemplateName,
      data: i.LaunchTemplateData,
      description: i.VersionDescription,
      createdBy: ctx.principal.arn,
      tags: tagsFromSpecs(i.TagSpecifications, 'launch-template'),
    });
    return { LaunchTemplate: lt };
  }),

  CreateLaunchTemplateVersion: op<LtRef & { SourceVersion?: string; VersionDescription?: string; LaunchTemplateData: Record<string, unknown> }>(async (i, r, ctx) => {
    const lt = await findLaunchTemplate(r, ref(i));
    const base = i.SourceVersion !== undefined ? (await getVersion(r, lt, versionNumber(lt, i.SourceVersion), i.SourceVersion)).LaunchTemplateData : {};
    const v = await addVersion(r, lt, { data: { ...base, ...i.LaunchTemplateData }, description: i.VersionDescription, createdBy: ctx.principal.arn });
    return { LaunchTemplateVersion: versionWire(lt, v) };
  }),

  DescribeLaunchTemplates: op<DescribeInput & { LaunchTemplateIds?: string[]; LaunchTemplateNames?: string[] }>(async (i, r) => {
    let all = await r.byIds(r.launchTemplates, i.LaunchTemplateIds, Ec2Errors.ltNotFoundId);
    if (i.LaunchTemplateNames?.length) {
      if (i.LaunchTemplateNames.some((n) => !all.some((lt) => lt.LaunchTemplateName === n))) throw Ec2Errors.ltSomeNotFound();
      all = all.filter((lt) => i.LaunchTemplateNames!.includes(lt.LaunchTemplateName));
    }
    const hits = applyFilters(all, i.Filters, LT_FIELDS, (lt) => lt.Tags);
    const { page, nextToken } = paginate(hits, (lt) => lt.LaunchTemplateId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { LaunchTemplates: page, NextToken: nextToken };
  }),

  DescribeLaunchTemplateVersions: op<DescribeInput & LtRef & { Versions?: string[]; MinVersion?: string; MaxVersion?: string }>(async (i, r) => {
    const lt = await findLaunchTemplate(r, ref(i));
    let versions: LaunchTemplateVersionDoc[];
    if (i.Versions?.length) {
      const numbers = [...new Set(i.Versions.map((v) => versionNumber(lt, v)))];
      versions = await Promise.all(numbers.map((n) => getVersion(r, lt, n)));
    } else {
      const min = i.MinVersion !== undefined ? versionNumber(lt, i.MinVersion) : 0;
      const max = i.MaxVersion !== undefined ? versionNumber(lt, i.MaxVersion) : Infinity;
      versions = (await allVersions(r, lt.LaunchTemplateId)).filter((v) => v.VersionNumber >= min && v.VersionNumber <= max);
    }
    const hits = applyFilters(versions.map((v) => ({ lt, v })), i.Filters, VERSION_FIELDS);
    // Newest first, as EC2 lists versions.
    const { page, nextToken } = paginate(hits, (x) => String(9_999_999_999 - x.v.VersionNumber).padStart(10, '0'), { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { LaunchTemplateVersions: page.map((x) => versionWire(lt, x.v)), NextToken: nextToken };
  }),

  ModifyLaunchTemplate: op<LtRef & { DefaultVersion?: string }>(async (i, r) => {
    const lt = await findLaunchTemplate(r, ref(i));
    if (i.DefaultVersion === undefined) return { LaunchTemplate: lt };
    const n = versionNumber(lt, i.DefaultVersion);
    await getVersion(r, lt, n, i.DefaultVersion);
    const updated = await r.launchTemplates.modify(lt.LaunchTemplateId, (x) => ({ ...x, DefaultVersionNumber: n }));
    return { LaunchTemplate: updated };
  }),

  DeleteLaunchTemplate: op<LtRef>(async (i, r) => {
    const lt = await findLaunchTemplate(r, ref(i));
    await deleteLaunchTemplate(r, lt);
    return { LaunchTemplate: lt };
  }),

  DeleteLaunchTemplateVersions: op<LtRef & { Versions: string[] }>(async (i, r) => {
    const lt = await findLaunchTemplate(r, ref(i));
    const ok: Record<string, unknown>[] = [];
    const failed: Record<string, unknown>[] = [];
    const item = { LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: lt.LaunchTemplateName };
    for (const v of i.Versions) {
      const n = /^\d+$/.test(v) ? Number(v) : NaN;
      if (n === lt.DefaultVersionNumber) failed.push({ ...item, VersionNumber: n, ResponseError: { Code: 'unexpectedError', Message: 'Cannot delete the default version of a launch template.' } });
      else if (Number.isNaN(n) || !(await deleteVersion(r, lt.LaunchTemplateId, n))) failed.push({ ...item, VersionNumber: Number.isNaN(n) ? undefined : n, ResponseError: { Code: 'launchTemplateVersionDoesNotExist', Message: 'The specified launch template version does not exist.' } });
      else ok.push({ ...item, VersionNumber: n });
    }
    return { SuccessfullyDeletedLaunchTemplateVersions: ok, UnsuccessfullyDeletedLaunchTemplateVersions: failed };
  }),
};
