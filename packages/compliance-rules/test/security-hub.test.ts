import { Aws, CfnCondition, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { GuardrailsChecks, GuardrailsChecksProps } from '../lib';
import { findings, freshStack } from './helpers';

const RULE = 'SecurityHubStandardsEnabled';
const FSBP = 'aws-foundational-security-best-practices/v/1.0.0';
const CIS = 'cis-aws-foundations-benchmark/v/5.0.0';
const PCI = 'pci-dss/v/4.0.1';
const REQUIRED: GuardrailsChecksProps = { securityHub: { standardsArnPaths: [FSBP, CIS] } };

/** The hub and standards as detective-controls' SecurityHub renders them (partition token, the stack's region). */
function hub(stack: Stack, paths: string[], props: Partial<securityhub.CfnHubProps> = {}): { hub: securityhub.CfnHub; standards: securityhub.CfnStandard[] } {
  const resource = new securityhub.CfnHub(stack, 'Hub', {
    controlFindingGenerator: 'SECURITY_CONTROL',
    autoEnableControls: true,
    enableDefaultStandards: false,
    ...props,
  });
  const standards = paths.map((path, i) => {
    const standard = new securityhub.CfnStandard(stack, `Standard${i}`, {
      standardsArn: `arn:${Aws.PARTITION}:securityhub:${stack.region}::standards/${path}`,
    });
    standard.node.addDependency(resource);
    return standard;
  });
  return { hub: resource, standards };
}

describe('SecurityHubStandardsEnabled', () => {
  describe('Compliance', () => {
    test('a hub with every required standard (and an extra one), none disabling a control', () => {
      // GIVEN
      const stack = freshStack();
      // WHEN
      hub(stack, [FSBP, CIS, PCI]);
      // THEN
      expect(findings(stack, RULE, REQUIRED)).toEqual([]);
    });

    test('a standards ARN in ${AWS::Region}, and a hub that leaves AutoEnableControls to its default (on)', () => {
      const stack = freshStack();
      new securityhub.CfnHub(stack, 'Hub', {});
      for (const [i, path] of [FSBP, CIS].entries()) {
        new securityhub.CfnStandard(stack, `Standard${i}`, { standardsArn: Fn.sub(`arn:\${AWS::Partition}:securityhub:\${AWS::Region}::standards/${path}`) });
      }
      expect(findings(stack, RULE, REQUIRED)).toEqual([]);
    });

    test('an empty list of standards requires the hub settings only', () => {
      const stack = freshStack();
      hub(stack, []);
      expect(findings(stack, RULE, { securityHub: { standardsArnPaths: [] } })).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('a required standard left out is reported on the hub', () => {
      const stack = freshStack();
      hub(stack, [FSBP]);
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Hub']);
    });

    test('a standard of another region or another version does not count', () => {
      const stack = freshStack();
      hub(stack, [FSBP]);
      new securityhub.CfnStandard(stack, 'OtherRegion', { standardsArn: `arn:aws:securityhub:us-east-1::standards/${CIS}` });
      new securityhub.CfnStandard(stack, 'OldCis', { standardsArn: 'arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0' });
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Hub']);
    });

    test('a standard in another stack does not count for this hub', () => {
      const stack = freshStack();
      hub(stack, [FSBP]);
      const other = new Stack(stack.node.scope, 'Other', { env: { account: '111111111111', region: 'eu-west-1' } });
      new securityhub.CfnStandard(other, 'Cis', { standardsArn: `arn:aws:securityhub:eu-west-1::standards/${CIS}` });
      expect(findings(stack.node.scope as any, RULE, REQUIRED)).toEqual(['TestStack/Hub']);
    });

    test('a standard that disables a control is reported on that standard, whatever the reason it gives', () => {
      const stack = freshStack();
      const { standards } = hub(stack, [FSBP, CIS]);
      standards[1].disabledStandardsControls = [
        { standardsControlArn: `arn:aws:securityhub:eu-west-1:111111111111:control/cis-aws-foundations-benchmark/v/5.0.0/3.1`, reason: 'noise' },
      ];
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Standard1']);
    });

    test('an escape hatch that disables controls, or a list the template does not show (Fn::If), is caught', () => {
      const stack = freshStack();
      const { standards } = hub(stack, [FSBP, CIS]);
      standards[0].addPropertyOverride('DisabledStandardsControls', [{ StandardsControlArn: 'arn:aws:securityhub:eu-west-1:111111111111:control/x/1' }]);
      const off = new CfnCondition(stack, 'Off', { expression: Fn.conditionEquals('a', 'b') });
      standards[1].addPropertyOverride('DisabledStandardsControls', Fn.conditionIf(off.logicalId, [], Aws.NO_VALUE));
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Standard0', 'TestStack/Standard1']);
    });

    test('AutoEnableControls false leaves new controls of the enabled standards off', () => {
      const stack = freshStack();
      hub(stack, [FSBP, CIS], { autoEnableControls: false });
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Hub']);
    });

    test('a CloudFormation Condition on the hub, or on a required standard, may leave it uncreated', () => {
      const stack = freshStack();
      const { hub: resource, standards } = hub(stack, [FSBP, CIS]);
      const never = new CfnCondition(stack, 'Never', { expression: Fn.conditionEquals('a', 'b') });
      standards[1].cfnOptions.condition = never;
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Hub']);
      standards[1].cfnOptions.condition = undefined;
      resource.cfnOptions.condition = never;
      expect(findings(stack, RULE, REQUIRED)).toEqual(['TestStack/Hub']);
    });
  });

  describe('A hub beside the other detective controls (companionResourceTypes)', () => {
    const WITH_COMPANIONS: GuardrailsChecksProps = { securityHub: { standardsArnPaths: [FSBP], companionResourceTypes: ['AWS::GuardDuty::Detector'] } };

    test('a detector with a hub in its stack complies; a stack with neither is not checked', () => {
      const stack = freshStack();
      new guardduty.CfnDetector(stack, 'Detector', { enable: true });
      hub(stack, [FSBP]);
      const empty = new Stack(stack.node.scope, 'Keys', { env: { account: '111111111111', region: 'eu-west-1' } });
      new CfnResource(empty, 'Queue', { type: 'AWS::SQS::Queue' });
      expect(findings(stack.node.scope as any, RULE, WITH_COMPANIONS)).toEqual([]);
    });

    test('a detector whose stack lost its hub (removed, or conditional) is reported', () => {
      const stack = freshStack();
      new guardduty.CfnDetector(stack, 'Detector', { enable: true });
      expect(findings(stack, RULE, WITH_COMPANIONS)).toEqual(['TestStack/Detector']);
      const conditional = freshStack();
      new guardduty.CfnDetector(conditional, 'Detector', { enable: true });
      const { hub: resource } = hub(conditional, [FSBP]);
      resource.cfnOptions.condition = new CfnCondition(conditional, 'Never', { expression: Fn.conditionEquals('a', 'b') });
      expect(findings(conditional, RULE, WITH_COMPANIONS).sort()).toEqual(['TestStack/Detector', 'TestStack/Hub']);
    });

    test('a hub in another stack of the account does not count', () => {
      const stack = freshStack();
      new guardduty.CfnDetector(stack, 'Detector', { enable: true });
      hub(new Stack(stack.node.scope, 'Other', { env: { account: '111111111111', region: 'eu-west-1' } }), [FSBP]);
      expect(findings(stack.node.scope as any, RULE, WITH_COMPANIONS)).toEqual(['TestStack/Detector']);
    });

    test.each(['GuardDuty::Detector', 'AWS::SecurityHub::Hub'])('a companion type that is not one is refused: %s', (type) => {
      expect(() => new GuardrailsChecks(undefined, { securityHub: { standardsArnPaths: [], companionResourceTypes: [type] } })).toThrow(
        /^GuardrailsChecks: securityHub\.companionResourceTypes\[0\]: received ".*"; expected a CloudFormation resource type other than Security Hub's/,
      );
    });
  });

  describe('The finding aggregator of the aggregation account and region (aggregation)', () => {
    const AGGREGATING: GuardrailsChecksProps = {
      securityHub: { standardsArnPaths: [FSBP], aggregation: { accountId: '111111111111', region: 'eu-west-1', linkedRegions: ['eu-central-1', 'us-east-1'] } },
    };
    function aggregator(stack: Stack, id: string, regionLinkingMode: string, regions?: string[]): securityhub.CfnFindingAggregator {
      return new securityhub.CfnFindingAggregator(stack, id, { regionLinkingMode, regions });
    }

    test.each([
      ['SPECIFIED_REGIONS', ['eu-central-1', 'us-east-1']],
      ['ALL_REGIONS', undefined],
      ['ALL_REGIONS_EXCEPT_SPECIFIED', ['ap-south-1']],
    ])('an aggregator in %s mode that links the regions complies', (mode, regions) => {
      const stack = freshStack();
      hub(stack, [FSBP]);
      aggregator(stack, 'Aggregator', mode, regions);
      expect(findings(stack, RULE, AGGREGATING)).toEqual([]);
    });

    test('hubs of other regions or accounts need no aggregator', () => {
      const stack = freshStack('222222222222');
      hub(stack, [FSBP]);
      const app = stack.node.scope as any;
      hub(new Stack(app, 'Frankfurt', { env: { account: '111111111111', region: 'eu-central-1' } }), [FSBP]);
      expect(findings(app, RULE, AGGREGATING)).toEqual([]);
    });

    test.each([
      ['no aggregator', undefined, undefined],
      ['a region left out', 'SPECIFIED_REGIONS', ['eu-central-1']],
      ['a linked region excepted', 'ALL_REGIONS_EXCEPT_SPECIFIED', ['us-east-1']],
      ['NO_REGIONS', 'NO_REGIONS', undefined],
    ])('the aggregation hub is reported with %s', (_name, mode, regions) => {
      const stack = freshStack();
      hub(stack, [FSBP]);
      if (mode !== undefined) aggregator(stack, 'Aggregator', mode, regions);
      expect(findings(stack, RULE, AGGREGATING)).toEqual(['TestStack/Hub']);
    });

    test('a conditional aggregator does not count', () => {
      const stack = freshStack();
      hub(stack, [FSBP]);
      aggregator(stack, 'Aggregator', 'ALL_REGIONS').cfnOptions.condition = new CfnCondition(stack, 'Never', { expression: Fn.conditionEquals('a', 'b') });
      expect(findings(stack, RULE, AGGREGATING)).toEqual(['TestStack/Hub']);
    });

    test.each([
      [
        { accountId: '1111', region: 'eu-west-1', linkedRegions: ['us-east-1'] },
        /securityHub\.aggregation\.accountId: received "1111"; expected a 12-digit AWS account id/,
      ],
      [{ accountId: '111111111111', region: 'Ireland', linkedRegions: ['us-east-1'] }, /securityHub\.aggregation\.region: received "Ireland"/],
      [{ accountId: '111111111111', region: 'eu-west-1', linkedRegions: ['us-east-1', 'x'] }, /securityHub\.aggregation\.linkedRegions\[1\]: received "x"/],
      [{ accountId: '111111111111', region: 'eu-west-1', linkedRegions: [] }, /securityHub\.aggregation\.linkedRegions: received an empty list/],
    ])('a bad aggregation is refused: %j', (aggregation, message) => {
      expect(() => new GuardrailsChecks(undefined, { securityHub: { standardsArnPaths: [], aggregation } })).toThrow(message);
    });
  });

  describe('Configuration', () => {
    test('without securityHub the rule does not run', () => {
      const stack = freshStack();
      hub(stack, [], { autoEnableControls: false });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test.each(['pci-dss', 'arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1', 'PCI-DSS/v/4.0.1', ''])(
      'a standards ARN path that is not one is refused: %j',
      (path) => {
        expect(() => new GuardrailsChecks(undefined, { securityHub: { standardsArnPaths: [FSBP, path] } })).toThrow(
          new RegExp(
            `^GuardrailsChecks: securityHub\\.standardsArnPaths\\[1\\]: received ${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; expected the part of a standards ARN after "standards/"`,
          ),
        );
      },
    );
  });
});
