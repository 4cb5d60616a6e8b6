import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'graphql';

/** The schema is the SDL in schema/*.graphql (the source of truth, also read by codegen), merged in name order. */
const schemaDir = new URL('../schema/', import.meta.url);

export const schemaSource = readdirSync(schemaDir)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => readFileSync(new URL(file, schemaDir), 'utf8'))
  .join('\n');

export const typeDefs = parse(schemaSource);
