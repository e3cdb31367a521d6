import { Token } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import { Construct } from 'constructs';
import { propError } from './errors';
import { UnusedAccessAnalyzerOptions } from '../unused-access-analyzer';

/** Creates the unused-access analyzer of DetectiveControls. */
export function createUnusedAccessAnalyzer(scope: Construct, options: UnusedAccessAnalyzerOptions): accessanalyzer.CfnAnalyzer {
  const period = options.trackingPeriod;
  if (!period.isUnresolved()) {
    let days: number | undefined;
    try {
      days = period.toDays();
    } catch {
      days = undefined;
    }
    if (days === undefined || days < 1 || days > 365) {
      throw propError(
        scope,
        'unusedAccessAnalyzer.trackingPeriod',
        period.toHumanString(),
        'whole days from 1 to 365 (UnusedAccessAge of IAM Access Analyzer)',
      );
    }
  }
  const org = options.organizationId;
  if (org !== undefined && !Token.isUnresolved(org) && !/^o-[a-z0-9]{10,32}$/.test(org)) {
    throw propError(scope, 'unusedAccessAnalyzer.organizationId', `'${org}'`, "an AWS Organizations id, 'o-' followed by 10 to 32 lowercase letters or digits");
  }
  const name = options.analyzerName;
  if (name !== undefined && !Token.isUnresolved(name) && !/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/.test(name)) {
    throw propError(scope, 'unusedAccessAnalyzer.analyzerName', `'${name}'`, "a letter, then letters, digits, '_', '.', '-' (at most 255 characters)");
  }
  return new accessanalyzer.CfnAnalyzer(scope, 'UnusedAccessAnalyzer', {
    type: org !== undefined ? 'ORGANIZATION_UNUSED_ACCESS' : 'ACCOUNT_UNUSED_ACCESS',
    analyzerName: name,
    analyzerConfiguration: { unusedAccessConfiguration: { unusedAccessAge: period.toDays() } },
  });
}
