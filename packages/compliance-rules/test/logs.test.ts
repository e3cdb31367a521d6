import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { GuardrailsChecks } from '../lib';
import { findings, freshStack } from './helpers';

const RULE = 'LogGroupClassRetentionAndKey';

describe('LogGroupClassRetentionAndKey', () => {
  describe('Compliance', () => {
    test('an audit log group with the logs key and 10 years', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Audit', {
        logGroupName: '/guardrails/audit/cloudtrail',
        encryptionKey: new kms.Key(stack, 'Key'),
        retention: logs.RetentionDays.TEN_YEARS,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('an unclassified log group with a key and a retention', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Function', { encryptionKey: new kms.Key(stack, 'Key'), retention: logs.RetentionDays.ONE_YEAR });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('classes are configurable', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Audit', {
        logGroupName: '/guardrails/central/audit',
        encryptionKey: new kms.Key(stack, 'Key'),
        retention: logs.RetentionDays.SEVEN_YEARS,
      });
      expect(findings(stack, RULE, { logClasses: [{ className: 'audit', logGroupNamePattern: '/audit$', retentionDays: 2557 }] })).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('a log group without a KMS key', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Function', { retention: logs.RetentionDays.ONE_YEAR });
      expect(findings(stack, RULE)).toEqual(['TestStack/Function/Resource']);
    });

    test('a security log group kept longer than its class', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Security', {
        logGroupName: '/guardrails/security/events',
        encryptionKey: new kms.Key(stack, 'Key'),
        retention: logs.RetentionDays.ONE_YEAR,
      });
      expect(findings(stack, RULE)).toEqual(['TestStack/Security/Resource']);
    });

    test('an audit log group kept shorter than its class', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Audit', {
        logGroupName: '/guardrails/central/audit',
        encryptionKey: new kms.Key(stack, 'Key'),
        retention: logs.RetentionDays.ONE_YEAR,
      });
      expect(findings(stack, RULE)).toEqual(['TestStack/Audit/Resource']);
    });

    test('an unclassified log group that is kept forever', () => {
      const stack = freshStack();
      new logs.LogGroup(stack, 'Function', { encryptionKey: new kms.Key(stack, 'Key'), retention: logs.RetentionDays.INFINITE });
      expect(findings(stack, RULE)).toEqual(['TestStack/Function/Resource']);
    });
  });

  test('fails if a class pattern is not a regular expression', () => {
    expect(() => new GuardrailsChecks(undefined, { logClasses: [{ className: 'audit', logGroupNamePattern: '(', retentionDays: 1 }] })).toThrow(
      /^GuardrailsChecks: logClasses\[0\]\.logGroupNamePattern: received "\(" for class 'audit' \(Invalid regular expression: .+\); expected a JavaScript regular expression$/,
    );
  });

  test('fails if a class retention is not a positive whole number', () => {
    expect(() => new GuardrailsChecks(undefined, { logClasses: [{ className: 'app', logGroupNamePattern: 'app', retentionDays: 0 }] })).toThrow(
      /^GuardrailsChecks: logClasses\[0\]\.retentionDays: received 0 for class 'app'; expected a positive whole number of days$/,
    );
  });
});
