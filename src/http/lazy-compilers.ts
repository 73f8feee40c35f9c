import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';

/**
 * A node serves some 230 routes and most are never called in a process's life. Fastify compiles
 * every route's validator and response serializers at start-up, which cost each node about
 * 60 MB and a large share of its start; these compilers build a route's code on its first use
 * instead. `compileAllSchemas` builds them all at once, so that a test finds a bad schema
 * before a request does.
 */
export interface LazyCompilers {
  validatorCompiler: FastifySchemaCompiler<unknown>;
  serializerFactory: SerializerFactory;
  /** Compiles every schema not compiled yet; returns how many there are in all. */
  compileAll(): number;
}

export function lazyCompilers(): LazyCompilers {
  const all: Array<() => unknown> = [];
  function lazily<S, F extends (data: never) => unknown>(compile: (s: S) => F): (s: S) => F {
    return (s) => {
      let fn: F | undefined;
      const built = () => (fn ??= compile(s));
      all.push(built);
      return ((data: never) => built()(data)) as F;
    };
  }
  return {
    validatorCompiler: lazily(TypeBoxValidatorCompiler as FastifySchemaCompiler<unknown>) as FastifySchemaCompiler<unknown>,
    serializerFactory: (externalSchemas, options) => lazily(SerializerSelector()(externalSchemas, options)),
    compileAll: () => {
      for (const build of all) build();
      return all.length;
    },
  };
}

const byApp = new WeakMap<FastifyInstance, LazyCompilers>();

export function rememberCompilers(app: FastifyInstance, c: LazyCompilers): void {
  byApp.set(app, c);
}

/** Builds every validator and serializer of an app now (for tests); returns how many. */
export function compileAllSchemas(app: FastifyInstance): number {
  const c = byApp.get(app);
  if (!c) throw new Error('this app was not built with lazy compilers');
  return c.compileAll();
}
