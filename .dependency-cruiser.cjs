/**
 * The layering of the code, checked by `npm run lint:deps` (part of `npm test`):
 * dependency-cruiser fails on any import that breaks these rules.
 *
 *   domain        model, alert, rules, time, phone, privacy, projectors/, parse/:
 *                 pure data and functions; imports nothing of the layers below it
 *   projections/  the projection definitions: domain folds bound to the store ports
 *                 (the engine, the AWS steps and the API iterate them, not the reverse)
 *   store/        ports.ts and the SQLite and DynamoDB adapters
 *   engine/       planning, the local engine, rebuild, ingest of files
 *   pipeline/     the AWS steps (a Lambda handler's body each)
 *   api/          queries and the JSON shapes of the CLI and the HTTP API
 *   functions, cli, web: the applications
 */
const DOMAIN = '^packages/core/src/(model|alert|rules|time|phone|privacy)\\.ts$|^packages/core/src/(projectors|parse)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain (events, folds, rules) must not depend on storage, the engine, the projection definitions, the API or the AWS steps.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^packages/core/src/(store|engine|projections|api|pipeline)/' },
    },
    {
      name: 'definitions-below-the-engine',
      comment: 'Projection definitions use the domain and the store ports; the engine, the AWS steps and the API go through their list, never the other way round.',
      severity: 'error',
      from: { path: '^packages/core/src/projections/' },
      to: { path: '^packages/core/src/(api|engine|pipeline)/' },
    },
    {
      name: 'adapters-below-the-engine',
      comment: 'Store adapters implement the ports over the domain: they import neither the API nor the engine, the projection definitions or the AWS steps.',
      severity: 'error',
      from: { path: '^packages/core/src/store/' },
      to: { path: '^packages/core/src/(api|engine|projections|pipeline)/' },
    },
    {
      name: 'core-is-a-library',
      comment: 'Core is imported by the applications, never the other way round.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/(cli|functions|web)/' },
    },
    {
      name: 'web-sees-only-the-api-views',
      comment: 'The dashboard knows the HTTP API through its JSON shapes (core api/views.ts) and nothing else of core.',
      severity: 'error',
      from: { path: '^packages/web/src/' },
      to: { path: '^packages/core/', pathNot: '^packages/core/src/api/views\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve (a typo, or a dependency missing from package.json).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports count: a layer that needs another's types depends on it
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
