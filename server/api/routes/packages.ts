// Packages: one build of one version for one architecture.
import type { PackageRecord } from '../../domain/types.ts';
import { ApiError } from '../../../kernel/http/errors.ts';
import { activity } from '../activity.ts';
import { actorOf } from '../../../kernel/auth/auth.ts';
import { requireApp, versionParam } from '../params.ts';
import { pullVersion } from '../../rollout/pull.ts';
import { route } from '../route.ts';
import { packageCreate, pullBody } from '../schemas.ts';

export const packageRoutes = [
  route({
    method: 'GET',
    path: '/apps/:app/packages',
    role: 'read-only',
    tag: 'packages',
    summary: 'List packages',
    responses: { 200: '{ packages: Package[] }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      return { body: { packages: await deps.store.listPackages(app.id) } };
    },
  }),
  route({
    method: 'POST',
    path: '/apps/:app/packages',
    role: 'release',
    tag: 'packages',
    summary: 'Publish a package (sha256: base64 or hex SHA-256 of the payload)',
    body: packageCreate,
    responses: { 201: '{ package }', 404: 'no such app', 409: 'this version exists for this arch' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      const at = deps.now();
      const pkg: PackageRecord = {
        appId: app.id,
        version: body.version,
        arch: body.arch,
        url: body.url,
        name: body.name,
        size: body.size,
        sha256: body.sha256,
        ...(body.sha1 ? { sha1: body.sha1 } : {}),
        extraFiles: body.extraFiles.map((f) => ({ name: f.name, size: f.size, sha256Hex: f.sha256, ...(f.sha1 ? { sha1: f.sha1 } : {}) })),
        createdAt: at,
      };
      const msg = `package ${pkg.version} (${pkg.arch}) published`;
      const r = await deps.store.addPackage(pkg, activity(app.id, 'package-added', actorOf(ctx.state), at, msg, { version: pkg.version, arch: pkg.arch }));
      if (r === 'no-app') throw new ApiError('not_found', `no app ${app.id}`);
      if (r === 'exists') throw new ApiError('conflict', `package ${pkg.version} for ${pkg.arch} exists; publish a new version instead`);
      deps.releases.invalidate(app.id);
      return { status: 201, body: { package: pkg } };
    },
  }),
  route({
    method: 'POST',
    path: '/apps/:app/packages/:version/pull',
    role: 'release',
    tag: 'packages',
    summary: 'Pull a version: never offered again, promoting it is refused, its rollouts halt (they can only be aborted)',
    body: pullBody,
    responses: { 200: '{ pulled, haltedRollouts: string[] }', 404: 'no such app or no package of that version', 409: 'already pulled' },
    handler: async (ctx, deps, body) => {
      const app = await requireApp(ctx, deps.store);
      return { body: await pullVersion(deps, app.id, versionParam(ctx), body.reason, actorOf(ctx.state)) };
    },
  }),
  route({
    method: 'GET',
    path: '/apps/:app/pulled',
    role: 'read-only',
    tag: 'packages',
    summary: 'Pulled versions, oldest first',
    responses: { 200: '{ pulled: Pulled[] }' },
    handler: async (ctx, deps) => {
      const app = await requireApp(ctx, deps.store);
      return { body: { pulled: await deps.store.listPulled(app.id) } };
    },
  }),
];
