import { memoByString } from '../../model/memo.js';
import { parseRunArgs, type RunArgs } from '../../docker/run-args.js';
import { basename } from '../../docker/text.js';
import type { Container, Job, ModelIssue, Mount, Pipeline, ScriptStep, Variable } from '../../model/pipeline.js';
import { makeSourceFile, type SourceFile } from '../../model/source.js';
import { sameSpan, type Located, type Span } from '../../model/span.js';
import { asMap, type Tree } from '../../model/tree.js';
import type { FileHost } from '../host.js';
import { loadYaml, type LoadedYaml } from '../yaml/load.js';
import type * as G from './groovy/ast.js';
import { children, parseGroovy, walk, type Token } from './groovy/index.js';
import { POD_HOSTNAMES, podContainers, type PodContainer } from './pod.js';
import {
  concatTexts,
  escapeFor,
  holesIn,
  isKnown,
  literalText,
  opaqueText,
  sourceRange,
  stripIndent,
  stripMargin,
  trimText,
  type GroovyText,
} from './strings.js';

/**
 * Reads a Jenkinsfile (or a shared-library `vars/*.groovy`) into the common model: one job per place
 * where steps run with their own containers or environment.
 *
 * - Declarative: the pipeline's agent (a job of its own, with the pipeline's `post` steps), then each
 *   stage that has steps or an agent; stages inherit the agent and `environment {}` of what encloses them.
 * - Scripted: each `node {}`, each `docker.image(x).inside {}` body, each `podTemplate {}` (and each
 *   `container('name') {}` switching to another of its containers), each `withEnv`/`withServer` body.
 *   `withRun`/`run` sidecars are services of the job that starts them.
 * - Pods: the container that runs the steps (`defaultContainer`, `container('x')`, else `jnlp`) is the
 *   job's image and the others its services, reached on `localhost`.
 *
 * Values are read from string literals, concatenations and variables assigned once to a string; anything
 * else is kept as an opaque `${…}` placeholder, never guessed.
 */
export function parseJenkinsfile(file: SourceFile, host: FileHost): Pipeline {
  const parsed = parseGroovyText(file.text);
  const issues: ModelIssue[] = [];
  // Groovy stops at its first syntax error; later ones are mostly its consequences.
  const first = parsed.errors[0];
  if (first) issues.push(syntaxIssue(file, parsed.tokens, first));
  else if (parsed.tooDeep) {
    const { start, end } = parsed.tooDeep;
    // Only the opening line: the construct can span the rest of the file.
    const eol = file.text.indexOf('\n', start);
    issues.push({
      kind: 'parse-error',
      span: { file, start, end: Math.min(end, eol < 0 ? end : eol) },
      message: 'constructs are nested too deeply to read: cilint does not look at the steps inside this one',
    });
  }
  const reader = new Reader(file, host, parsed.ast, issues);
  return {
    platform: 'jenkins',
    root: file,
    files: [file, ...reader.files],
    jobs: reader.jobs(),
    templates: [],
    usedTemplates: new Set(),
    issues,
    merged: undefined,
  };
}

/**
 * `parseGroovy`, once per text: discovery, the model and each fix pass all parse the same `.groovy` text.
 * The result is shared, so nothing may change it (its types are readonly throughout).
 */
export const parseGroovyText = memoByString(parseGroovy, 16);

const PIPELINE_MARKER = /\bpipeline\s*\{|\bpodTemplate\s*\(|\bnode\s*[({]/;
const PIPELINE_CALLS = new Set(['pipeline', 'podTemplate', 'node']);

/**
 * Whether Groovy source defines a pipeline (a shared-library step under `vars/`, a pipeline example)
 * rather than being a build script or a class: a cheap textual look first, then a call of `pipeline`,
 * `podTemplate` or `node` with a body. Text that does not parse is taken when it has the marker, so that
 * its syntax error is reported.
 */
export function isJenkinsPipelineText(text: string): boolean {
  if (!PIPELINE_MARKER.test(text)) return false;
  const { ast, errors } = parseGroovyText(text);
  let found = false;
  walk(ast, (n) => {
    if (found) return false;
    if (n.type === 'MethodCall' && n.object === null && n.name !== null && PIPELINE_CALLS.has(n.name) && n.closures.length > 0) found = true;
    return undefined;
  });
  return found || errors.length > 0;
}

/**
 * The first syntax error as a finding. Groovy reports a string left open at the end of the file; the
 * useful place is where the string opens, so that is where an unterminated multi-line string points.
 */
function syntaxIssue(file: SourceFile, tokens: readonly Token[], first: { message: string; start: number; end: number }): ModelIssue {
  if (/0xFFFF/.test(first.message)) {
    const open = tokens.find((t) => t.kind === 'string' && t.str && !t.str.terminated);
    // A `${` left open inside the string is the real culprit there; Groovy's end-of-file position stays.
    if (open?.str && open.str.parts.every((p) => p.kind !== 'block')) {
      const quote = open.str.quote;
      return {
        kind: 'parse-error',
        span: { file, start: open.start, end: open.start + quote.length },
        message: `Groovy syntax error: the ${quote} string opened here is never closed`,
      };
    }
  }
  return { kind: 'parse-error', span: { file, start: first.start, end: Math.max(first.start, first.end) }, message: groovyMessage(first.message) };
}

function groovyMessage(message: string): string {
  const text = message.replace(/^unexpected char: 0xFFFF$/, 'unexpected end of file (an unterminated string, comment or bracket?)');
  return `Groovy syntax error: ${text}`;
}

const STEPS = new Set(['sh', 'bat']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** How deep string expressions (`a + b + …`, constants naming constants) are followed. */
const MAX_STRING_DEPTH = 64;

interface Draft {
  readonly name: string;
  readonly nameSpan: Span;
  readonly image: Container | undefined;
  readonly services: Container[];
  /** The pipeline's environment for the steps (`environment {}`, `withEnv`, `env.X = …`); it wins over the image's own. */
  readonly env: Map<string, Variable>;
  readonly scripts: ScriptStep[];
}

interface Pod {
  readonly containers: readonly PodContainer[];
}

/** A container started next to the steps (`withRun`, `run`), with what its `docker run` arguments say. */
interface Sidecar {
  readonly container: Container;
  readonly run: RunArgs | undefined;
}

interface Scope {
  readonly job: Draft;
  readonly pod: Pod | undefined;
  /** The job's services running at this point: a `withRun` sidecar only inside its body. */
  readonly active: Container[];
  /** Names bound to sidecars: `withRun`'s closure parameter, `def c = image.run(…)`. */
  readonly sidecars: Map<string, Sidecar>;
}

/** Where declarative stages run: their agent's containers, and the environment they inherit. */
interface Base {
  readonly image: Container | undefined;
  readonly services: readonly Container[];
  readonly pod: Pod | undefined;
  readonly env: ReadonlyMap<string, Variable>;
}

type Agent = Omit<Base, 'env'>;

const NO_AGENT: Agent = { image: undefined, services: [], pod: undefined };

type Push = (nodes: readonly G.Node[], scope: Scope) => void;

interface Setting {
  readonly value: G.Expression;
  readonly start: number;
  readonly end: number;
}

class Reader {
  /** Files read besides the Jenkinsfile (`yamlFile`). */
  readonly files: SourceFile[] = [];
  private readonly drafts: Draft[] = [];
  /** Variables declared once and never assigned again, with their value. */
  private readonly constants = new Map<string, G.Expression>();
  /** The same for `docker.image(…)` and `docker.build(…)` handles. */
  private readonly images = new Map<string, G.MethodCall>();
  /** `def c = image.run(…)`: the name each such call is bound to. */
  private readonly runBindings = new Map<G.MethodCall, string>();
  private readonly sidecarOf = new Map<Container, Sidecar>();
  /** Each expression is read once, and each step made once: a variable used by many steps is parsed once. */
  private readonly strings = new Map<G.Expression, GroovyText | undefined>();
  private readonly steps = new Map<GroovyText, Map<string, ScriptStep>>();

  constructor(
    private readonly file: SourceFile,
    private readonly host: FileHost,
    ast: G.Script,
    private readonly issues: ModelIssue[],
  ) {
    this.collectBindings(ast);
    const root = this.draft(basename(file.relPath), { file, start: 0, end: 0 }, NO_AGENT, new Map());
    this.scan(ast.statements, this.fresh(root));
  }

  jobs(): Job[] {
    return this.drafts
      .filter((d) => d.image !== undefined || d.services.length > 0 || d.scripts.length > 0)
      .map((d) => ({
        platform: 'jenkins',
        name: d.name,
        nameSpan: d.nameSpan,
        hidden: false,
        image: d.image,
        services: d.services,
        variables: new Map([...(d.image?.variables ?? []), ...d.env]),
        scripts: d.scripts,
        config: undefined,
      }));
  }

  // ------------------------------------------------------------------ walking

  /** Visits statements depth-first in source order, with an explicit stack: expressions nest deeply. */
  private scan(nodes: readonly G.Node[], scope: Scope): void {
    const stack: { node: G.Node; scope: Scope }[] = [];
    const push: Push = (list, s) => {
      for (let i = list.length - 1; i >= 0; i--) stack.push({ node: list[i]!, scope: s });
    };
    push(nodes, scope);
    for (let item = stack.pop(); item; item = stack.pop()) {
      if (!this.visit(item.node, item.scope, push)) push(children(item.node), item.scope);
    }
  }

  /** Handles a node that starts a job, a step or a binding; false to walk its children as usual. */
  private visit(node: G.Node, scope: Scope, push: Push): boolean {
    switch (node.type) {
      case 'ClassDecl':
        return true;
      case 'MethodDecl': {
        const job = this.draft(`${node.name}()`, this.span(node.id), NO_AGENT, new Map());
        push(node.body?.statements ?? [], this.fresh(job));
        return true;
      }
      case 'Assignment':
        this.envAssignment(node, scope);
        return false;
      case 'MethodCall':
        return node.object === null ? this.call(node, scope, push) : this.methodCall(node, scope, push);
      default:
        return false;
    }
  }

  /** `env.NAME = value` in scripted code sets a variable for the steps that follow. */
  private envAssignment(node: G.Assignment, scope: Scope): void {
    const t = node.target;
    if (node.operator !== '=' || t.type !== 'PropertyAccess' || t.object.type !== 'Identifier' || t.object.name !== 'env') return;
    if (t.name === null || !NAME.test(t.name)) return;
    scope.job.env.set(t.name, this.variable(t.name, this.span(t.property), node.value));
  }

  private call(call: G.MethodCall, scope: Scope, push: Push): boolean {
    const closure = call.closures.at(-1);
    if (call.name !== null && STEPS.has(call.name)) {
      this.step(call, scope);
      return true;
    }
    if (!closure) return false;
    switch (call.name) {
      case 'pipeline':
        this.pipeline(call, closure, scope, push);
        return true;
      case 'node':
        if (scope.pod) return false;
        push(closure.body, this.fresh(this.draft(`node${this.label(call.args[0])}`, this.nameSpan(call), NO_AGENT, scope.job.env)));
        return true;
      case 'podTemplate': {
        const pod = this.pod(this.settings(call), []);
        const job = this.draft('podTemplate', this.nameSpan(call), podAgent(pod, 'jnlp'), scope.job.env);
        push(closure.body, this.fresh(job, pod));
        return true;
      }
      case 'container': {
        const name = call.args[0] && this.stringOf(call.args[0]);
        const pod = scope.pod;
        const selected = pod && name && isKnown(name) ? pod.containers.find((c) => c.name === name.text) : undefined;
        if (!pod || !selected || sameSpan(scope.job.image?.span, selected.container.span)) return false;
        const job = this.draft(`container(${name!.text})`, this.nameSpan(call), podAgent(pod, name!.text), scope.job.env);
        push(closure.body, this.fresh(job, pod));
        return true;
      }
      case 'withEnv':
        push(closure.body, this.child(scope, call, this.envList(call.args[0])));
        return true;
      case 'withDockerServer': {
        const uri = this.setting(call, 'uri');
        push(closure.body, this.child(scope, call, uri ? [this.variable('DOCKER_HOST', this.nameSpan(call), uri.value)] : []));
        return true;
      }
      default:
        return false;
    }
  }

  /** `docker.image(x).inside/withRun/run(…)`, `docker.withServer(…)`, on a handle or directly. */
  private methodCall(call: G.MethodCall, scope: Scope, push: Push): boolean {
    const closure = call.closures.at(-1);
    if (call.name === 'withServer' && isDockerGlobal(call.object) && closure) {
      const uri = call.args[0];
      push(closure.body, this.child(scope, call, uri ? [this.variable('DOCKER_HOST', this.nameSpan(call), uri)] : []));
      return true;
    }
    if (call.name !== 'inside' && call.name !== 'withRun' && call.name !== 'run') return false;
    // `img.inside {}` on a handle cilint cannot follow (a parameter) still runs in some image; `run` is
    // too common a name to assume as much.
    const unknownHandle = call.name !== 'run' && call.object?.type === 'Identifier' && call.object.name !== 'docker';
    const image = this.dockerImage(call.object, 0) ?? (unknownHandle ? this.located(call.object!) : undefined);
    if (!image) return false;
    const args = call.args[0] ? this.stringOf(call.args[0]) : undefined;
    const span = { file: this.file, start: call.start, end: call.argsSpan?.end ?? call.method?.end ?? call.end };
    if (call.name === 'inside') {
      const { container, run } = this.runContainer('image', image, span, args);
      const services = scope.active.map((s) => this.reachedFrom(s, run, args, scope));
      const job: Draft = { name: `inside(${image.value})`, nameSpan: this.nameSpan(call), image: container, services, env: new Map(scope.job.env), scripts: [] };
      this.drafts.push(job);
      if (closure) push(closure.body, { job, pod: undefined, active: [...services], sidecars: new Map(scope.sidecars) });
      return true;
    }
    const made = this.runContainer('service', image, span, args);
    const sidecar: Sidecar = { container: { ...made.container, hostnames: { names: [], complete: false } }, run: made.run };
    this.sidecarOf.set(sidecar.container, sidecar);
    scope.job.services.push(sidecar.container);
    const bound = this.runBindings.get(call);
    if (bound) scope.sidecars.set(bound, sidecar);
    if (call.name === 'run') scope.active.push(sidecar.container);
    else if (closure) {
      const param = closure.params?.[0]?.name ?? 'it';
      push(closure.body, { ...scope, active: [...scope.active, sidecar.container], sidecars: new Map(scope.sidecars).set(param, sidecar) });
    }
    return true;
  }

  // ------------------------------------------------------------------ declarative

  private pipeline(call: G.MethodCall, closure: G.Closure, scope: Scope, push: Push): void {
    const sections = sectionsOf(closure.body);
    const agent = this.agent(sections.get('agent')) ?? { image: scope.job.image, services: scope.job.services, pod: scope.pod };
    const base: Base = { ...agent, env: new Map([...scope.job.env, ...this.environment(sections.get('environment'))]) };
    const top = this.draft('pipeline', this.nameSpan(call), base, base.env);
    this.post(sections.get('post'), this.fresh(top, base.pod), push);
    this.stages(sections.get('stages'), base, push);
  }

  private stages(call: G.MethodCall | undefined, base: Base, push: Push): void {
    for (const s of call?.closures.at(-1)?.body ?? []) {
      if (s.type === 'MethodCall' && s.object === null && s.name === 'stage') this.stage(s, base, push, undefined);
    }
  }

  private stage(call: G.MethodCall, parent: Base, push: Push, inheritedName: { name: string; span: Span } | undefined): void {
    const sections = sectionsOf(call.closures.at(-1)?.body ?? []);
    const agentCall = sections.get('agent');
    const agent = this.agent(agentCall) ?? parent;
    const base: Base = {
      image: agent.image,
      services: agent.services,
      pod: agent.pod,
      env: new Map([...parent.env, ...this.environment(sections.get('environment'))]),
    };
    const title = call.args[0] ? this.stringOf(call.args[0]) : undefined;
    const named = title ? { name: title.text, span: this.span(title) } : (inheritedName ?? { name: 'stage', span: this.nameSpan(call) });
    const steps = sections.get('steps');
    const post = sections.get('post');
    if (steps || post || agentCall) {
      const job = this.draft(named.name, named.span, base, base.env);
      const scope = this.fresh(job, base.pod);
      const body = steps?.closures.at(-1)?.body;
      if (body) push(body, scope);
      this.post(post, scope, push);
    }
    this.stages(sections.get('stages'), base, push);
    this.stages(sections.get('parallel'), base, push);
    const matrix = sections.get('matrix');
    if (matrix) this.stage(matrix, base, push, named);
  }

  /** `post { always { … } failure { … } }`: every condition's steps. */
  private post(call: G.MethodCall | undefined, scope: Scope, push: Push): void {
    for (const s of call?.closures.at(-1)?.body ?? []) {
      const body = s.type === 'MethodCall' ? s.closures.at(-1)?.body : undefined;
      if (body) push(body, scope);
    }
  }

  /** A declarative `agent`: undefined when there is none (the stage inherits). */
  private agent(call: G.MethodCall | undefined): Agent | undefined {
    if (!call) return undefined;
    for (const s of call.closures.at(-1)?.body ?? []) {
      if (s.type !== 'MethodCall' || s.object !== null) continue;
      if (s.name === 'docker') return { ...NO_AGENT, image: this.dockerAgent(s) };
      if (s.name === 'dockerfile') return { ...NO_AGENT, image: this.dockerfileAgent(s) };
      if (s.name === 'kubernetes') return this.kubernetesAgent(s);
    }
    // `agent any`, `agent none`, `agent { label 'x' }`, `agent { node { … } }`: steps run on a node.
    return NO_AGENT;
  }

  /** `docker 'image'`, `docker { image 'x'; args '…' }`. */
  private dockerAgent(call: G.MethodCall): Container | undefined {
    const settings = this.settings(call);
    const imageExpr = call.args[0] && call.args[0].type !== 'MapLiteral' ? call.args[0] : settings.get('image')?.value;
    if (!imageExpr) return undefined;
    const args = settings.get('args');
    return this.runContainer('image', this.located(imageExpr), this.span(call), args && this.stringOf(args.value)).container;
  }

  /** `dockerfile true`, `dockerfile { filename 'x'; args '…' }`: the image built from that Dockerfile. */
  private dockerfileAgent(call: G.MethodCall): Container {
    const settings = this.settings(call);
    const filename = settings.get('filename');
    const image = filename ? this.located(filename.value) : { value: 'Dockerfile', span: this.nameSpan(call) };
    const args = settings.get('args');
    return this.runContainer('image', image, this.span(call), args && this.stringOf(args.value)).container;
  }

  /** `kubernetes { yaml '''…'''; yamlFile 'pod.yaml'; defaultContainer 'x'; containerTemplate(…) }`. */
  private kubernetesAgent(call: G.MethodCall): Agent {
    const templates = (call.closures.at(-1)?.body ?? []).filter(
      (s): s is G.MethodCall => s.type === 'MethodCall' && s.object === null && s.name === 'containerTemplate',
    );
    const settings = this.settings(call);
    const pod = this.pod(settings, templates);
    const defaultContainer = settings.get('defaultContainer');
    const name = defaultContainer ? this.stringOf(defaultContainer.value) : undefined;
    return podAgent(pod, name && isKnown(name) ? name.text : 'jnlp');
  }

  /** `environment { NAME = value … }`. */
  private environment(call: G.MethodCall | undefined): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const s of call?.closures.at(-1)?.body ?? []) {
      if (s.type !== 'Assignment' || s.operator !== '=' || s.target.type !== 'Identifier') continue;
      const name = s.target.name;
      out.push([name, this.variable(name, this.span(s.target), s.value)]);
    }
    return out;
  }

  // ------------------------------------------------------------------ jobs and scopes

  private draft(name: string, nameSpan: Span, agent: Agent, env: ReadonlyMap<string, Variable>): Draft {
    const d: Draft = { name, nameSpan, image: agent.image, services: [...agent.services], env: new Map(env), scripts: [] };
    this.drafts.push(d);
    return d;
  }

  private fresh(job: Draft, pod?: Pod): Scope {
    return { job, pod, active: [...job.services], sidecars: new Map() };
  }

  /** A body that runs with more environment (`withEnv`, `withServer`): a job of its own, on the same containers. */
  private child(scope: Scope, call: G.MethodCall, variables: readonly Variable[]): Scope {
    const parent = scope.job;
    const env = new Map(parent.env);
    for (const v of variables) env.set(v.name, v);
    const job: Draft = { name: `${parent.name} ${call.name ?? ''}`.trim(), nameSpan: this.nameSpan(call), image: parent.image, services: [...scope.active], env, scripts: [] };
    this.drafts.push(job);
    return { job, pod: scope.pod, active: [...scope.active], sidecars: new Map(scope.sidecars) };
  }

  private step(call: G.MethodCall, scope: Scope): void {
    const arg = this.setting(call, 'script')?.value ?? (call.args[0]?.type === 'MapLiteral' ? undefined : call.args[0]);
    const t = arg && this.stringOf(arg);
    if (!t) return;
    const section = call.name!;
    let bySection = this.steps.get(t);
    if (!bySection) this.steps.set(t, (bySection = new Map()));
    let step = bySection.get(section);
    if (!step) {
      const quote = t.quote;
      step = {
        section,
        text: t.text,
        span: this.span(t),
        sourceOffset: (offset) => sourceRange(t, offset, offset).start,
        editable: t.exact,
        escape: (text) => (quote === undefined ? undefined : escapeFor(quote, text)),
      };
      bySection.set(section, step);
    }
    scope.job.scripts.push(step);
  }

  // ------------------------------------------------------------------ containers

  /** A container run with `docker run` arguments written as a string (agent `args`, `inside(…)`). */
  private runContainer(
    role: Container['role'],
    image: Located<string>,
    span: Span,
    args: GroovyText | undefined,
  ): { container: Container; run: RunArgs | undefined } {
    const run = args ? parseRunArgs(args.text) : undefined;
    const at = (r: { start: number; end: number }): Span => this.span(sourceRange(args!, r.start, r.end));
    const variables = new Map<string, Variable>();
    for (const e of run?.env ?? []) {
      const valueRange = e.valueRange && e.valueRange.end > e.valueRange.start ? e.valueRange : e.word;
      variables.set(e.name, { name: e.name, value: e.value, nameSpan: at(e.nameRange), span: at(valueRange) });
    }
    const mounts: Mount[] = (run?.binds ?? []).map((b) => ({ hostPath: b.hostPath, containerPath: b.containerPath, span: at(b.word) }));
    const container: Container = {
      role,
      image,
      span,
      aliases: [],
      variables,
      command: [],
      entrypoint: [],
      ...(run?.privileged ? { privileged: { value: true, span: at(run.privileged.word) } } : {}),
      mounts,
    };
    return { container, run };
  }

  /**
   * A sidecar as the container started with `run` reaches it: under a `--link` alias, on `localhost`
   * when it shares the sidecar's network, under its `--name` on a user-defined network they share.
   */
  private reachedFrom(service: Container, run: RunArgs | undefined, args: GroovyText | undefined, scope: Scope): Container {
    const sidecar = this.sidecarOf.get(service);
    if (!sidecar || !run || !args) return service;
    const refersTo = (range: { start: number; end: number }, text: string): boolean => {
      const named = holesIn(args, range.start, range.end).map((h) => rootName(h.expression));
      if (named.some((n) => n !== undefined && scope.sidecars.get(n) === sidecar)) return true;
      return sidecar.run?.names.includes(text) ?? false;
    };
    const names: string[] = [];
    for (const link of run.links) {
      if (link.alias && refersTo(link.target, link.target.text)) names.push(link.alias);
    }
    const network = run.network;
    if (network) {
      const text = network.value ?? network.text;
      const own = sidecar.run?.network?.value;
      if (text.startsWith('container:') && refersTo({ start: network.start, end: network.end }, text.slice('container:'.length))) names.push('localhost');
      else if (text === 'host' && own === 'host') names.push('localhost');
      else if (network.value !== undefined && own === network.value && !['bridge', 'none', 'default'].includes(own)) names.push(...(sidecar.run?.names ?? []));
    }
    return { ...service, hostnames: { names, complete: false } };
  }

  /** The image of `docker.image(x)` / `docker.build(x)`, written directly or through a variable. */
  private dockerImage(expr: G.Expression | null, depth: number): Located<string> | undefined {
    if (!expr || depth > MAX_STRING_DEPTH) return undefined;
    if (expr.type === 'Parenthesized') return this.dockerImage(expr.expression, depth + 1);
    if (expr.type === 'Identifier') {
      const init = this.images.get(expr.name);
      return init ? this.dockerImage(init, depth + 1) : undefined;
    }
    if (isDockerImageCall(expr)) return this.located(expr.args[0]!);
    return undefined;
  }

  // ------------------------------------------------------------------ pods

  /** A pod template: its YAML (`yaml`, `yamlFile`), `containers: [containerTemplate(…)]`, `volumes`, `envVars`. */
  private pod(settings: ReadonlyMap<string, Setting>, blockTemplates: readonly G.MethodCall[]): Pod {
    const byName = new Map<string, PodContainer>();
    const unnamed: PodContainer[] = [];
    const add = (c: PodContainer): void => {
      if (c.name === undefined) unnamed.push(c);
      else byName.set(c.name, c);
    };
    const yaml = settings.get('yaml');
    const yamlText = yaml && this.stringOf(yaml.value);
    if (yamlText) this.podYaml(yamlText).forEach(add);
    const yamlFile = settings.get('yamlFile');
    if (yamlFile) this.podYamlFile(yamlFile.value).forEach(add);
    const templates = [...listItems(settings.get('containers')?.value), ...blockTemplates];
    for (const t of templates) {
      if (t.type === 'MethodCall' && t.name === 'containerTemplate') {
        const c = this.containerTemplate(t);
        if (c) add(c);
      }
    }
    const podMounts: Mount[] = [];
    for (const v of listItems(settings.get('volumes')?.value)) {
      if (v.type !== 'MethodCall' || v.name !== 'hostPathVolume') continue;
      const volume = this.settings(v);
      const hostPath = volume.get('hostPath');
      const path = hostPath && this.stringOf(hostPath.value);
      const mountPath = volume.get('mountPath');
      const target = mountPath && this.stringOf(mountPath.value);
      if (path && isKnown(path)) {
        podMounts.push({ hostPath: path.text, containerPath: target && isKnown(target) ? target.text : undefined, span: this.span(hostPath) });
      }
    }
    const podEnv = this.envVars(settings.get('envVars')?.value);
    const containers = [...byName.values(), ...unnamed].map((c) => ({
      name: c.name,
      container: { ...c.container, variables: new Map([...podEnv, ...c.container.variables]), mounts: [...c.container.mounts, ...podMounts] },
    }));
    return { containers };
  }

  /** `containerTemplate(name: 'dind', image: 'docker:27-dind', privileged: true, envVars: [envVar(…)])`. */
  private containerTemplate(call: G.MethodCall): PodContainer | undefined {
    const settings = this.settings(call);
    const image = settings.get('image');
    if (!image) return undefined;
    const name = settings.get('name');
    const nameText = name && this.stringOf(name.value);
    const privileged = settings.get('privileged');
    return {
      name: nameText && isKnown(nameText) ? nameText.text : undefined,
      container: {
        role: 'service',
        image: this.located(image.value),
        span: this.span(call),
        aliases: [],
        variables: new Map(this.envVars(settings.get('envVars')?.value)),
        command: [],
        entrypoint: [],
        ...(privileged?.value.type === 'BooleanLiteral' && privileged.value.value ? { privileged: { value: true, span: this.span(privileged) } } : {}),
        mounts: [],
        hostnames: { names: POD_HOSTNAMES, complete: true },
      },
    };
  }

  /** `[envVar(key: 'A', value: 'b'), secretEnvVar(key: 'T', …)]`. */
  private envVars(list: G.Expression | undefined): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const item of listItems(list)) {
      if (item.type !== 'MethodCall' || item.name === null || !/^(envVar|containerEnvVar|podEnvVar|secretEnvVar)$/.test(item.name)) continue;
      const entry = this.settings(item);
      const key = entry.get('key');
      const name = key && this.stringOf(key.value);
      if (!key || !name || !isKnown(name)) continue;
      const value = entry.get('value');
      const nameSpan = this.span(sourceRange(name, 0, name.text.length));
      const variable: Variable = value && item.name !== 'secretEnvVar'
        ? this.variable(name.text, nameSpan, value.value)
        : { name: name.text, value: undefined, nameSpan, span: this.span(name) };
      out.push([name.text, variable]);
    }
    return out;
  }

  /** Pod YAML written in the Jenkinsfile: parsed in place when the string is written as it reads. */
  private podYaml(t: GroovyText): PodContainer[] {
    if (t.text.trim() === '') return [];
    let loaded: LoadedYaml;
    let mapSpan: (span: Span) => Span;
    if (t.exact) {
      loaded = loadYaml(this.file, { start: t.offsets[0]!, end: t.offsets[t.text.length]! });
      mapSpan = (span) => span;
    } else {
      loaded = loadYaml(makeSourceFile(this.file.path, this.file.relPath, t.text));
      mapSpan = (span) => this.span(sourceRange(t, span.start, span.end));
    }
    return this.podFromLoaded(loaded, mapSpan);
  }

  /** `yamlFile 'ci/pod.yaml'`: a pod YAML in the repository (Jenkins reads it from the checkout's root). */
  private podYamlFile(expr: G.Expression): PodContainer[] {
    const t = this.stringOf(expr);
    if (!t || !isKnown(t)) return [];
    const read = this.host.read(t.text);
    if ('error' in read) {
      this.issues.push({ kind: 'include-error', span: this.span(t), message: `yamlFile \`${t.text}\` cannot be read: ${read.error}; the Kubernetes plugin fails the build without its pod template.` });
      return [];
    }
    if (!this.files.some((f) => f.path === read.path)) this.files.push(read);
    return this.podFromLoaded(loadYaml(read), (span) => span);
  }

  private podFromLoaded(loaded: LoadedYaml, mapSpan: (span: Span) => Span): PodContainer[] {
    for (const p of loaded.problems) {
      if (p.kind === 'parse-error') this.issues.push({ kind: 'parse-error', span: mapSpan(p.span), message: `pod YAML: ${p.message}` });
    }
    const doc = loaded.documents.find((d): d is Tree => asMap(d) !== undefined);
    return doc ? podContainers(doc, mapSpan) : [];
  }

  // ------------------------------------------------------------------ values

  /** What a Groovy expression evaluates to as a string, when it is one (see `GroovyText`). */
  private stringOf(expr: G.Expression, depth = 0): GroovyText | undefined {
    if (this.strings.has(expr)) return this.strings.get(expr);
    if (depth > MAX_STRING_DEPTH) return undefined;
    const t = this.readString(expr, depth);
    this.strings.set(expr, t);
    return t;
  }

  private readString(expr: G.Expression, depth: number): GroovyText | undefined {
    switch (expr.type) {
      case 'StringLiteral':
        return literalText(expr, this.file.text);
      case 'Identifier': {
        const init = this.constants.get(expr.name);
        return init ? this.stringOf(init, depth + 1) : undefined;
      }
      case 'Parenthesized':
        return this.stringOf(expr.expression, depth + 1);
      case 'Binary': {
        if (expr.operator !== '+') return undefined;
        const left = this.stringOf(expr.left, depth + 1);
        const right = this.stringOf(expr.right, depth + 1);
        if (!left && !right) return undefined;
        return concatTexts(left ?? opaqueText(expr.left, this.file.text), right ?? opaqueText(expr.right, this.file.text));
      }
      case 'MethodCall': {
        if (expr.object === null || expr.args.length > 0 || expr.closures.length > 0) return undefined;
        const transform = { stripIndent, stripMargin, trim: trimText }[expr.name ?? ''];
        const base = transform && this.stringOf(expr.object, depth + 1);
        return base && transform ? transform(base, expr.end) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** An image or file name: the string, or the expression as an opaque `${…}` placeholder. */
  private located(expr: G.Expression): Located<string> {
    const t = this.stringOf(expr) ?? opaqueText(expr, this.file.text);
    return { value: t.text, span: this.span(t) };
  }

  private variable(name: string, nameSpan: Span, value: G.Expression): Variable {
    const t = this.stringOf(value);
    if (t) return { name, value: t.text, nameSpan, span: this.span(t) };
    const raw = value.type === 'NumberLiteral' ? value.raw : value.type === 'BooleanLiteral' ? String(value.value) : undefined;
    return { name, value: raw, nameSpan, span: this.span(value) };
  }

  /** `withEnv(['NAME=value', "OTHER=${x}"])`. */
  private envList(list: G.Expression | undefined): Variable[] {
    const out: Variable[] = [];
    for (const item of listItems(list)) {
      const t = this.stringOf(item);
      const eq = t ? t.text.indexOf('=') : -1;
      if (!t || eq <= 0 || !NAME.test(t.text.slice(0, eq)) || holesIn(t, 0, eq).length > 0) continue;
      const valueRange = eq + 1 < t.text.length ? { start: eq + 1, end: t.text.length } : { start: 0, end: t.text.length };
      out.push({
        name: t.text.slice(0, eq),
        value: t.text.slice(eq + 1),
        nameSpan: this.span(sourceRange(t, 0, eq)),
        span: this.span(sourceRange(t, valueRange.start, valueRange.end)),
      });
    }
    return out;
  }

  /**
   * A call's settings: named arguments (`foo(image: 'x')`), a map argument (`foo([uri: 'x'])`), and the
   * one-argument commands of its closure (`docker { image 'x'; args '…' }`).
   */
  private settings(call: G.MethodCall): Map<string, Setting> {
    const out = new Map<string, Setting>();
    const entries = [...call.namedArgs, ...(call.args[0]?.type === 'MapLiteral' ? call.args[0].entries : [])];
    for (const e of entries) if (e.type === 'MapEntry' && e.keyName !== null) out.set(e.keyName, { value: e.value, start: e.start, end: e.end });
    for (const s of call.closures.at(-1)?.body ?? []) {
      if (s.type === 'MethodCall' && s.object === null && s.name !== null && s.args.length === 1 && s.closures.length === 0) {
        out.set(s.name, { value: s.args[0]!, start: s.start, end: s.end });
      }
    }
    return out;
  }

  private setting(call: G.MethodCall, key: string): Setting | undefined {
    return this.settings(call).get(key);
  }

  /** `(docker)` for `node('docker')`; empty for `node` or a label only known at run time. */
  private label(expr: G.Expression | undefined): string {
    const t = expr && this.stringOf(expr);
    return t && isKnown(t) ? `(${t.text})` : '';
  }

  private span(range: { start: number; end: number }): Span {
    return { file: this.file, start: range.start, end: range.end };
  }

  /** The called name (`node`, `withEnv`), where a job is named. */
  private nameSpan(call: G.MethodCall): Span {
    return this.span(call.method ?? call);
  }

  // ------------------------------------------------------------------ bindings

  /**
   * Variables assigned exactly once (`def image = 'docker:27-dind'`) and never changed, declared or used
   * as a parameter elsewhere: their value is known wherever the name is used.
   */
  private collectBindings(ast: G.Script): void {
    const inits = new Map<string, (G.Expression | null)[]>();
    const changed = new Set<string>();
    const declare = (name: string, init: G.Expression | null): void => {
      const list = inits.get(name) ?? [];
      list.push(init);
      inits.set(name, list);
    };
    walk(ast, (n) => {
      switch (n.type) {
        case 'Declarator':
          declare(n.id.name, n.init);
          if (n.init?.type === 'MethodCall' && n.init.name === 'run') this.runBindings.set(n.init, n.id.name);
          break;
        case 'VariableDecl':
          if (n.tupleInit) n.declarators.forEach((d) => changed.add(d.id.name));
          break;
        case 'Assignment':
          if (n.target.type === 'Identifier') {
            changed.add(n.target.name);
            if (n.value.type === 'MethodCall' && n.value.name === 'run') this.runBindings.set(n.value, n.target.name);
          } else if (n.target.type === 'TupleTarget') n.target.names.forEach((id) => changed.add(id.name));
          break;
        case 'Unary':
          if ((n.operator === '++' || n.operator === '--') && n.operand.type === 'Identifier') changed.add(n.operand.name);
          break;
        case 'Parameter':
          changed.add(n.name);
          break;
        case 'Catch':
          changed.add(n.param.name);
          break;
      }
    });
    for (const [name, list] of inits) {
      const init = list[0];
      if (list.length !== 1 || !init || changed.has(name)) continue;
      if (isDockerImageCall(init)) this.images.set(name, init);
      else this.constants.set(name, init);
    }
  }
}

/** A pod's containers as a job sees them: the one running the steps is its image, the others its services. */
function podAgent(pod: Pod, stepContainer: string): Agent {
  const step = pod.containers.find((c) => c.name === stepContainer);
  return {
    image: step ? { ...step.container, role: 'image' } : undefined,
    services: pod.containers.filter((c) => c !== step).map((c) => c.container),
    pod,
  };
}

/** The last call of each name among a block's statements (`agent`, `environment`, `stages`, `steps`, `post`). */
function sectionsOf(body: readonly G.Statement[]): Map<string, G.MethodCall> {
  const out = new Map<string, G.MethodCall>();
  for (const s of body) if (s.type === 'MethodCall' && s.object === null && s.name !== null) out.set(s.name, s);
  return out;
}

function listItems(expr: G.Expression | undefined): readonly G.Expression[] {
  return expr?.type === 'ListLiteral' ? expr.elements : [];
}

function isDockerGlobal(expr: G.Expression | null): boolean {
  return expr?.type === 'Identifier' && expr.name === 'docker';
}

function isDockerImageCall(expr: G.Expression): expr is G.MethodCall {
  return expr.type === 'MethodCall' && isDockerGlobal(expr.object) && (expr.name === 'image' || expr.name === 'build') && expr.args.length > 0;
}

/** `c` for `c.id`, `c.getId()`: the variable an interpolation reads. */
function rootName(expr: G.Expression | null): string | undefined {
  let e = expr;
  while (e && (e.type === 'PropertyAccess' || (e.type === 'MethodCall' && e.object !== null))) e = e.object;
  return e?.type === 'Identifier' ? e.name : undefined;
}
