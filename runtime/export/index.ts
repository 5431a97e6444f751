/**
 * `exportFlow`: turn a flow into a folder a team can commit and deploy. Every artifact is a pure
 * function of the FlowDocument (one module each); the service bundle also needs the compiled
 * snippets. Output is deterministic: same flow, same bytes.
 */
import { join } from 'node:path';
import { compileFlow, SnippetCompileError } from '../engine/compile.ts';
import type { FlowDocument } from '../model/types.ts';
import { asyncApiYaml, type AsyncApiVersion } from './asyncapi.ts';
import { bundleService, type BundledPackage } from './bundle.ts';
import { ASYNCAPI_FILE, componentYaml } from './choreo.ts';
import { dockerCompose, dockerfile, dockerignore, packageJson } from './docker.ts';
import { clusterArtifacts } from './cluster.ts';
import { ExportError } from './errors.ts';
import { k8sManifests, k8sPath } from './k8s.ts';
import { planExport } from './plan.ts';
import { readme } from './readme.ts';
import { testArtifact, testsReadme, type ExportTests } from './tests.ts';
import { writeOutput, type OutputFile } from './write.ts';

export { ExportError } from './errors.ts';
export type { OutputFile } from './write.ts';
export type { ExportTests } from './tests.ts';

export interface ExportOptions {
  outDir: string;
  asyncapi?: AsyncApiVersion;
  force?: boolean;
  /** The flow's tests, copied to tests/ (wsflow test --url runs them against the deployment). */
  tests?: ExportTests;
  /** The flow's packages (runtime/check/packages.ts): those with Node halves go into the bundle. */
  packages?: readonly FlowPackage[];
}

/** A package the flow names, as loaded when it was validated. */
export interface FlowPackage extends BundledPackage {
  hasRuntimes: boolean;
}

export interface ArtifactOptions {
  asyncapi?: AsyncApiVersion;
  /** Leave out server.mjs/handler-host.mjs (faster; for checks of the descriptive files). */
  bundle?: boolean;
  tests?: ExportTests;
  packages?: readonly FlowPackage[];
}

/** Image, Kubernetes object and compose names all come from `name`: DNS-1123 label rules. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkName(flow: FlowDocument): void {
  if (!DNS_LABEL.test(flow.name) || flow.name.length > 63) {
    throw new ExportError(
      'WSF_EXPORT_BAD_NAME',
      `name: "${flow.name}" cannot name a container image or Kubernetes objects (lower-case letters, digits and -, at most 63, starting and ending with a letter or digit)`,
      'name',
    );
  }
}

/** Every file of the export, in memory, sorted by path. */
export async function exportArtifacts(flow: FlowDocument, options: ArtifactOptions = {}): Promise<OutputFile[]> {
  const version = options.asyncapi ?? '2.6';
  if (version !== '2.6' && version !== '3.0') {
    throw new ExportError('WSF_EXPORT_BAD_OPTION', `--asyncapi ${String(version)}: choose 2.6 or 3.0`, 'asyncapi');
  }
  checkName(flow);
  const plan = planExport(flow);
  const files: OutputFile[] = [
    { path: ASYNCAPI_FILE, content: asyncApiYaml(plan, version) },
    { path: '.choreo/component.yaml', content: componentYaml(plan) },
    { path: 'Dockerfile', content: dockerfile(plan) },
    { path: '.dockerignore', content: dockerignore() },
    { path: 'docker-compose.yml', content: dockerCompose(plan) },
    { path: k8sPath(plan), content: k8sManifests(plan) },
    { path: 'package.json', content: packageJson(plan) },
  ];
  // Scale-out variants (Redis, replicas, HPA), written by the cluster module beside the single-instance files.
  const extra: OutputFile[] = clusterArtifacts(flow);
  const clash = extra.find((f) => files.some((g) => g.path === f.path));
  if (clash) throw new Error(`internal: cluster artifact ${clash.path} would replace a single-instance file`);
  files.push(...extra);
  const tests = options.tests ? testArtifact(options.tests) : undefined;
  if (tests) files.push(tests);
  files.push({ path: 'README.md', content: readme(plan, extra.map((f) => f.path), tests ? testsReadme(plan, tests) : []) });
  if (options.bundle !== false) {
    const compiled = await compileFlow(flow).catch((error: unknown) => {
      if (!(error instanceof SnippetCompileError)) throw error;
      const index = flow.nodes.findIndex((n) => n.id === error.nodeId);
      const at = error.line !== undefined ? ` (line ${error.line}${error.col !== undefined ? `:${error.col}` : ''} of the snippet)` : '';
      throw new ExportError('WSF_EXPORT_SNIPPET', `${error.message}${at}`, index >= 0 ? `nodes[${index}].code` : undefined, error.nodeId);
    });
    // A package's chain steps are compiled into the handlers already; its Node halves must travel.
    files.push(...(await bundleService(compiled, (options.packages ?? []).filter((p) => p.hasRuntimes))));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function exportFlow(flow: FlowDocument, options: ExportOptions): Promise<{ files: string[] }> {
  const files = await exportArtifacts(flow, { asyncapi: options.asyncapi, tests: options.tests, ...(options.packages ? { packages: options.packages } : {}) });
  const written = await writeOutput(options.outDir, files, options.force === true);
  return { files: written.map((p) => join(options.outDir, p)) };
}
