import { defineKind } from '../node-kind.ts';

/** Its fields are nested documents (query, auth, ...): the inspector has its own form, the schema is written here. */
export default defineKind({
  id: 'upgrader',
  title: 'Upgrader',
  category: 'upgrader',
  group: 'Entry',
  order: 1,
  icon: '⇡',
  help: 'Accepts the HTTP upgrade on a path with {params} and query',
  fields: {},
  defaults: { basePath: '/', upgradePath: '/' },
  schema: {
    basePath: { description: 'Prefix of every upgrade path, e.g. /chat (default /).', type: 'string' },
    upgradePath: { description: 'Template after the base path with {params}, e.g. /{name}; /* matches any path.', type: 'string' },
    query: { $ref: '#/definitions/paramSpecs' },
    headers: { $ref: '#/definitions/paramSpecs' },
    code: { $ref: '#/definitions/code' },
    auth: { $ref: '#/definitions/auth' },
    allowedOrigins: {
      description: 'Browser origins (scheme://host[:port]) allowed to connect; any other Origin gets 403. Requests without Origin are allowed.',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
  },
});
