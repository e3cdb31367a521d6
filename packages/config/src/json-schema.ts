import { z } from 'zod';
import { CONFIG_SCHEMA } from './schema';

/** The JSON Schema editors use for config/<env>.json, generated from the zod schema (input side: defaults are optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(CONFIG_SCHEMA, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }),
    $id: 'https://github.com/cdk-guardrails/cdk-guardrails/config/config.schema.json',
    title: 'cdk-guardrails environment configuration',
  };
}
