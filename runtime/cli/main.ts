/**
 * `wsflow` command line. Each command lives in `commands/<name>.ts` and is loaded only when used,
 * so `wsflow validate` does not pay for the engine or the exporters.
 *
 * Exit codes: see errors.ts (0 success, 2 bad input, 1 failure).
 */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './errors.ts';
// Types only: erased at build, so each command's code still loads only when it runs.
import type { ExportCommandOptions } from './commands/export.ts';
import type { importCommand } from './commands/import.ts';
import type { RunOptions } from './commands/run.ts';
import type { studio } from './commands/studio.ts';
import type { TestOptions } from './commands/test.ts';
import type { ValidateCommandOptions } from './commands/validate.ts';
import { plainLogText } from '../model/log-text.ts';

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('wsflow')
    .description('Design, run and export WebSocket services drawn as flows.')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('run')
    .description('serve a flow over WebSocket on the embedded engine')
    .argument('<file>', 'flow document (*.wsflow.yaml)')
    .option('-p, --port <port>', 'listener port (overrides the flow; 0 picks a free port)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--budget <ms>', 'time budget of one synchronous snippet run')
    .option('--trace', 'print trace events as JSON lines on stderr')
    .option('--tls-cert <file>', 'serve wss:// with this PEM certificate chain (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--env-file <file>', 'dotenv file with the variables ${env.NAME} fields use (the real environment wins)')
    .option('--log-format <format>', 'stderr log lines: text (default) or json (the exported service\'s JSON lines); also WSFLOW_LOG_FORMAT')
    .action(async (file: string, options: RunOptions) => setExit(await (await import('./commands/run.ts')).run(file, options)));

  program
    .command('validate')
    .description('check a flow and report every problem with file:line:col')
    .argument('<files...>', 'flow documents')
    .option('--json', 'print problems as JSON')
    .option('--env-file <file>', 'check ${env.NAME} references against this dotenv file (unset ones become errors)')
    .action(async (files: string[], options: ValidateCommandOptions) => setExit(await (await import('./commands/validate.ts')).validate(files, options)));

  program
    .command('export')
    .description('write deployable artifacts (service, Docker, Kubernetes, Choreo, AsyncAPI)')
    .argument('<file>', 'flow document')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--asyncapi <version>', 'AsyncAPI version: 2.6 or 3.0', '2.6')
    .option('-f, --force', 'overwrite files that already exist in the output folder')
    .action(async (file: string, options: ExportCommandOptions) => setExit(await (await import('./commands/export.ts')).exportCommand(file, options)));

  program
    .command('import')
    .description('create a flow skeleton from an AsyncAPI 2.x or 3.0 document')
    .argument('<asyncapi>', 'AsyncAPI document (YAML or JSON)')
    .requiredOption('-o, --out <file>', 'flow document to write')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (file: string, options: Parameters<typeof importCommand>[1]) => setExit(await (await import('./commands/import.ts')).importCommand(file, options)));

  program
    .command('test')
    .description('run the flow tests of a flow (NAME.wsflow.test.yaml) against the flow or a running service')
    .argument('<file>', 'flow (NAME.wsflow.yaml, tests beside it) or test file (NAME.wsflow.test.yaml)')
    .option('-g, --grep <regex>', 'run only the tests whose name matches')
    .option('--url <url>', 'test a running or deployed service (ws://host:port) instead of starting the flow')
    .option('--reporter <name>', 'text or junit', 'text')
    .option('-o, --out <file>', 'where --reporter junit writes its XML (default stdout)')
    .option('--budget <ms>', 'time budget of one synchronous snippet run (when the flow is started)')
    .action(async (file: string, options: TestOptions) => setExit(await (await import('./commands/test.ts')).testCommand(file, options)));

  program
    .command('studio')
    .description('open the designer in a browser, served from 127.0.0.1')
    .argument('[file]', 'flow document to open')
    .option('-p, --port <port>', 'port of the studio (0 picks a free port)', '0')
    .option('--no-open', 'do not try to open a browser')
    .option('--env-file <file>', 'dotenv file with the variables ${env.NAME} fields use when running from the designer (the real environment wins)')
    .action(async (file: string | undefined, options: Parameters<typeof studio>[1]) => setExit(await (await import('./commands/studio.ts')).studio(file, options)));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof CliError) {
      process.stderr.write(`${plainLogText(`wsflow: ${error.message}`)}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${plainLogText(`wsflow: internal error: ${message}`)}\n(set WSFLOW_DEBUG=1 for details)\n`);
    if (process.env.WSFLOW_DEBUG) console.error(error);
    return EXIT_FAILURE;
  }
}
