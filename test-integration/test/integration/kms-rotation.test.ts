// Every key the stacks created is enabled and rotates on the configured period.
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { describeIntegration, forEachStack, output, reportSkipped } from '../../src/context';

const PURPOSES = ['Data', 'Secrets', 'Logs'];

describeIntegration('KMS key rotation', (ctx) => {
  forEachStack(
    ctx,
    'stack with keys',
    (s) => s.outputs.DataKeyArn !== undefined,
    (stack, target) => {
      const kms = new KMSClient(target);
      afterAll(() => kms.destroy());

      for (const purpose of PURPOSES) {
        const keyArn = output(stack, `${purpose}KeyArn`);
        if (output(stack, `${purpose}KeyCreated`) !== 'true') {
          // An imported key's rotation is its owner's (config kms.keys.*.imports): not this project's guarantee.
          reportSkipped(`${purpose.toLowerCase()} key ${keyArn} is imported; its owner manages rotation`);
          continue;
        }
        test(`the ${purpose.toLowerCase()} key is enabled and rotates every ${ctx.config.kms.rotationPeriodDays} days`, async () => {
          const key = await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
          expect(key.KeyMetadata?.KeyState).toBe('Enabled');
          expect(key.KeyMetadata?.KeyManager).toBe('CUSTOMER');
          const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }));
          expect(rotation.KeyRotationEnabled).toBe(true);
          expect(rotation.RotationPeriodInDays).toBe(ctx.config.kms.rotationPeriodDays);
        });
      }
    },
  );
});
