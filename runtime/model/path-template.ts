/**
 * Checks an upgrade path template (`/chat/{name}`) for validation, with the offset of each
 * mistake so the message can point at the exact column. Routing itself lives in paths.ts
 * (engine); this file only answers "is it well formed, and which params does it declare".
 */
import { isValidParamName, joinPath, pathShape } from './paths.ts';

export interface TemplateParam {
  name: string;
  /** 0-based offset of the `{` in the template. */
  offset: number;
}
export interface TemplateIssue {
  kind: 'syntax' | 'param-name';
  message: string;
  offset: number;
}
export interface ScannedTemplate {
  params: TemplateParam[];
  issues: TemplateIssue[];
}


export function scanPathTemplate(template: string, label: string): ScannedTemplate {
  const params: TemplateParam[] = [];
  const issues: TemplateIssue[] = [];
  if (!template.startsWith('/')) {
    issues.push({ kind: 'syntax', offset: 0, message: `${label} '${template}' must start with '/'.` });
  }
  for (const ch of ['?', '#']) {
    const at = template.indexOf(ch);
    if (at >= 0) {
      issues.push({
        kind: 'syntax',
        offset: at,
        message: `${label} '${template}' must not contain '${ch}'; declare query parameters under 'query'.`,
      });
    }
  }
  if (/\s/.test(template)) {
    issues.push({ kind: 'syntax', offset: template.search(/\s/), message: `${label} '${template}' must not contain spaces.` });
  }
  const star = template.indexOf('*');
  if (star >= 0 && star !== template.length - 1) {
    issues.push({ kind: 'syntax', offset: star, message: `${label} '${template}' may use '*' only at its very end ('/*' matches any rest of the path).` });
  }
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '}') {
      issues.push({ kind: 'syntax', offset: i, message: `${label} '${template}' has a '}' without a matching '{'.` });
      i++;
      continue;
    }
    if (ch !== '{') {
      i++;
      continue;
    }
    const close = template.indexOf('}', i + 1);
    const nextOpen = template.indexOf('{', i + 1);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      issues.push({ kind: 'syntax', offset: i, message: `${label} '${template}' has an unclosed '{'.` });
      i = nextOpen >= 0 ? nextOpen : template.length;
      continue;
    }
    const name = template.slice(i + 1, close);
    if (!isValidParamName(name)) {
      issues.push({
        kind: 'param-name',
        offset: i,
        message:
          name === ''
            ? `${label} '${template}' has an empty parameter '{}'; give it a name such as '{id}'.`
            : `Path parameter '{${name}}' in ${label} is not a valid name; use letters, digits and '_', not starting with a digit.`,
      });
    } else {
      params.push({ name, offset: i });
    }
    i = close + 1;
  }
  return { params, issues };
}

/**
 * The route two upgraders would compete for: base and upgrade path joined the way the router
 * joins them, every `{param}` replaced by `{}`, so `/a/{x}` and `/a/{y}/` compare equal.
 */
export function normalizedRouteKey(basePath: string | undefined, upgradePath: string | undefined): string {
  return pathShape(joinPath(basePath, upgradePath));
}
