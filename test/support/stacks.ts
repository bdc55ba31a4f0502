import { vi } from 'vitest';

/**
 * Evaluates stacks/ with stand-ins for SST's globals that record every
 * component, resource and function (no AWS, no Pulumi), so that tests can
 * check what a deploy would declare: IAM statements, mappings, alarms.
 * Pulumi outputs are plain values here; `apply` runs at once.
 */
export interface Statement {
  actions: string[];
  resources: string[];
}

export interface FunctionDef {
  name: string;
  handler: string;
  runtime?: string;
  architecture?: string;
  permissions: Statement[];
  link: Array<{ name: string; include?: Statement[] }>;
  url?: { authorization: string };
  concurrency?: unknown;
}

export interface Declared {
  type: string;
  name: string;
  args: any;
  opts?: any;
}

export interface Synthesized {
  functions: FunctionDef[];
  components: Declared[];
  /** the event source mappings' arguments after the stacks' transforms, with the subscribed stream or table */
  mappings: Array<{ kind: string; source: string; function: string; args: Record<string, any> }>;
  /** the modules' exports, by file name */
  modules: Record<string, any>;
}

export const STACK_MODULES = ['settings', 'storage', 'streams', 'alerts', 'functions', 'alarms', 'connect', 'api', 'web', 'contact-events'] as const;

/** An output-like value: properties are lifted like Pulumi's, `apply` runs the function at once. */
function known(value: unknown): any {
  if (value !== null && typeof value === 'object') {
    return new Proxy(value, { get: (target, prop) => (prop === 'apply' ? (fn: (v: unknown) => unknown) => fn(target) : known((target as any)[prop])) });
  }
  return { apply: (fn: (v: unknown) => unknown) => fn(value), toString: () => String(value), [Symbol.toPrimitive]: () => value };
}

export async function synthesize(env: Record<string, string>, where: { stage?: string; region?: string } = {}): Promise<Synthesized> {
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const components: Declared[] = [];
  const functions: FunctionDef[] = [];
  const mappings: Synthesized['mappings'] = [];
  const track = (name: string, args: any) => {
    if (args && typeof args === 'object' && typeof args.handler === 'string') {
      functions.push({
        name,
        handler: args.handler,
        runtime: args.runtime,
        architecture: args.architecture,
        permissions: args.permissions ?? [],
        link: args.link ?? [],
        url: args.url,
        concurrency: args.concurrency,
      });
    }
  };
  const mapping = (kind: string, source: string, fn: unknown, opts: any) => {
    const args: Record<string, any> = {};
    const t = opts?.transform?.eventSourceMapping;
    if (typeof t === 'function') t(args, {}, source);
    else Object.assign(args, t);
    mappings.push({ kind, source, function: typeof fn === 'string' ? fn : String((fn as any)?.handler), args: { ...args, filters: opts?.filters } });
  };
  const component = (type: string) =>
    class {
      readonly name: string;
      readonly arn: string;
      readonly url: string;
      readonly include?: Statement[];
      readonly nodes: any;
      constructor(name: string, args: any = {}, opts?: any) {
        const declared: Declared = { type, name, args, opts: opts ?? {} };
        // SST components take `transform: { <resource>: fn(args, opts) }`: record what the stacks set
        for (const [resource, t] of Object.entries(args?.transform ?? {})) {
          if (typeof t === 'function') {
            const resourceArgs: Record<string, any> = {};
            const resourceOpts: Record<string, any> = {};
            (t as (a: unknown, o: unknown, n: string) => void)(resourceArgs, resourceOpts, name);
            declared.args = { ...declared.args, [`${resource}Args`]: resourceArgs, [`${resource}Opts`]: resourceOpts };
          }
        }
        components.push(declared);
        this.name = name;
        this.arn = `arn:${type}:${name}`;
        this.url = `https://${name}.example`;
        this.include = args.include;
        this.nodes = { table: { streamArn: `arn:DynamoStream:${name}Stream` }, queue: { name: `${name}-queue` } };
        track(name, args);
        track(`${name}.function`, args.function);
      }
      subscribe(first: any, second?: any, third?: any) {
        // Kinesis and Dynamo: subscribe(name, function, args); Queue: subscribe(function, args)
        const [name, fn, opts] = typeof first === 'string' ? [first, second, third] : [`${this.name}.subscriber`, first, second];
        components.push({ type: `${type}.subscriber`, name, args: opts });
        track(name, fn);
        mapping(type, this.name, fn, opts);
      }
      static subscribe(name: string, arn: string, fn: any, opts?: any) {
        track(name, fn);
        mapping(type, arn, fn, opts);
      }
    };
  const g = globalThis as any;
  g.$app = { name: 'switchboard', stage: where.stage ?? 'production' };
  g.$interpolate = (parts: TemplateStringsArray, ...values: unknown[]) => parts.reduce((s, p, i) => s + p + (i < values.length ? String(values[i]) : ''), '');
  g.$jsonStringify = (v: unknown) => JSON.stringify(v);
  g.sst = {
    Linkable: component('Linkable'),
    Secret: component('Secret'),
    aws: {
      Dynamo: component('Dynamo'),
      KinesisStream: component('KinesisStream'),
      Bus: component('Bus'),
      CronV2: component('CronV2'),
      Function: component('Function'),
      Queue: component('Queue'),
      SnsTopic: component('SnsTopic'),
      StaticSite: component('StaticSite'),
      permission: (s: Statement) => s,
    },
  };
  g.aws = {
    timestreamwrite: { Database: component('TimestreamDatabase'), Table: component('TimestreamTable') },
    cloudwatch: { MetricAlarm: component('MetricAlarm'), EventRule: component('EventRule'), EventTarget: component('EventTarget') },
    sqs: { QueuePolicy: component('QueuePolicy') },
    sns: { TopicSubscription: component('TopicSubscription') },
    connect: { InstanceStorageConfig: component('InstanceStorageConfig') },
    getRegionOutput: () => known({ name: where.region ?? 'ap-northeast-1', region: where.region ?? 'ap-northeast-1' }),
    getCallerIdentityOutput: () => known({ accountId: '123456789012' }),
  };
  const modules: Record<string, any> = {};
  for (const m of STACK_MODULES) modules[m] = await import(`../../stacks/${m}.ts`);
  return { functions, components, mappings, modules };
}

/** Every statement a function gets, by resource (its own and those of the resources it links). */
export function grants(fn: FunctionDef): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const s of [...fn.permissions, ...fn.link.flatMap((l) => l.include ?? [])]) {
    for (const r of s.resources) {
      // stand-in ARNs (arn:<Component>:<name>) by the component's name; real ARNs whole
      const target = /^arn:[A-Z]\w*:([^/:]+)/.exec(r)?.[1] ?? r;
      for (const a of s.actions) (out[target] ??= new Set()).add(a);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

export const handlerName = (fn: FunctionDef) => /src\/([\w-]+)\.handler$/.exec(fn.handler)![1]!;
