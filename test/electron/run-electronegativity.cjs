// Runs @doyensec/electronegativity's scanner over a folder and prints its findings as JSON.
// Its i18n loader fetches translations from a web server at start; this machine (and CI) has no
// network beyond package registries, so `got` is replaced by a stub that fails at once and the
// bundled English messages are used.
'use strict';
const Module = require('node:module');
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'got') return () => Promise.reject(new Error('offline'));
  return originalLoad.call(this, request, parent, isMain);
};
process.env.LANG = 'en-US';
const run = require('@doyensec/electronegativity');
const input = process.argv[2];
const electronVersion = process.argv[3] || '41.0.0';
const log = console.log;
console.log = () => {}; // its progress chatter
run({ input, electronVersionOverride: electronVersion, isRelative: true, parserPlugins: [] })
  .then((result) => {
    console.log = log;
    const issues = result.issues.map((i) => ({
      id: i.id,
      file: i.file,
      line: i.location.line,
      column: i.location.column,
      severity: i.severity.name,
      confidence: i.confidence.name,
      manualReview: Boolean(i.manualReview),
      description: i.description,
    }));
    process.stdout.write(JSON.stringify({ checks: result.globalChecks + result.atomicChecks, errors: result.errors, issues }, null, 2));
  })
  .catch((error) => {
    console.log = log;
    process.stderr.write(`electronegativity: ${error.message}\n`);
    process.exit(1);
  });
