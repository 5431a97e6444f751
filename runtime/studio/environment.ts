/**
 * The environment the studio runs flows with: its own process environment, the `--env-file`
 * variables under it (the real environment wins, as for `wsflow run`), and values set in the
 * designer for this session on top. Session values live only here, in memory: they are never
 * written into a flow file, and the renderer is only ever told whether a variable is set.
 */
import type { EnvSource, EnvVarStatus } from './protocol.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** What `${env.NAME}` accepts as a name (model/template.ts reads the same). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A session value is a URL, a key or a secret: anything longer is a mistake, not a value. */
const MAX_VALUE_LENGTH = 64 * 1024;

export class StudioEnvironment {
  private readonly session = new Map<string, string>();

  constructor(
    private readonly base: Env = process.env,
    private readonly file: Env = {},
    /** The `--env-file` as given, shown in the designer. */
    readonly envFile?: string,
  ) {}

  /** What the next run reads: file < real environment < session. */
  values(): Record<string, string | undefined> {
    return { ...this.file, ...this.base, ...Object.fromEntries(this.session) };
  }

  /** Which variables are set, without their values (what validation needs: secrets stay here). */
  presence(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.values()).flatMap(([k, v]) => (v ? [[k, 'set']] : [])));
  }

  status(names: readonly string[]): EnvVarStatus[] {
    const values = this.values();
    return [...new Set(names)].map((name) => {
      const value = values[name];
      if (value === undefined || value === '') return { name, set: false };
      return { name, set: true, source: this.sourceOf(name) };
    });
  }

  /** Sets a value for this session; an empty value forgets it. Throws a coded error for bad input. */
  set(name: string, value: string): EnvVarStatus {
    if (!NAME.test(name)) throw badRequest(`"${name}" is not a variable name (letters, digits and _, not starting with a digit)`);
    if (value.length > MAX_VALUE_LENGTH) throw badRequest(`the value of ${name} is ${value.length} characters long; at most ${MAX_VALUE_LENGTH} are accepted`);
    if (value === '') this.session.delete(name);
    else this.session.set(name, value);
    return this.status([name])[0] as EnvVarStatus;
  }

  private sourceOf(name: string): EnvSource {
    if (this.session.has(name)) return 'session';
    return this.base[name] !== undefined ? 'environment' : 'envFile';
  }
}

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { code: 'WSF_STUDIO_BAD_REQUEST' });
}
