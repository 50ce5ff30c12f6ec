// Stands in for @types/node in the client project (client/tsconfig.json points typeRoots here). The
// client runs in the browser, so Node's globals (Buffer, process, require) and its node:* modules must
// not type-check in it; but a library deep in the client's imports (apache-arrow, through deck.gl and
// loaders.gl) declares `/// <reference types="node" />`, which would otherwise pull all of
// @types/node into the client program. Resolved here, that reference brings in nothing.
export {};
