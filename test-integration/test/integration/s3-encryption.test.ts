// The data bucket of each workload region rejects unencrypted and wrongly encrypted PUTs and plain
// HTTP, and accepts a PUT encrypted the way config s3.encryption says. Run once with SSE_S3, then
// flip config to SSE_KMS, deploy, and run again (docs/operations.md#verify).
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectCommandInput, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describeIntegration, forEachStack, output } from '../../src/context';

const KEY_PREFIX = 'guardrails-integration-test/';

describeIntegration('S3 encryption guardrails on the data buckets', (ctx) => {
  const kmsMode = ctx.config.s3.encryption === 'SSE_KMS';

  forEachStack(
    ctx,
    'workload stack with a data bucket',
    (s) => s.role === 'workload',
    (stack, target) => {
      const bucket = output(stack, 'DataBucketName');
      const dataKeyArn = output(stack, 'DataKeyArn');
      const s3 = new S3Client(target);
      const written: Array<{ key: string; versionId?: string }> = [];
      const key = (name: string) => `${KEY_PREFIX}${Date.now()}-${name}`;
      const put = async (input: Omit<PutObjectCommandInput, 'Bucket'>, client = s3) => {
        const out = await client.send(new PutObjectCommand({ Bucket: bucket, Body: 'guardrails integration test', ...input }));
        written.push({ key: input.Key!, versionId: out.VersionId });
        return out;
      };
      const correctEncryption = kmsMode ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: dataKeyArn } : { ServerSideEncryption: 'AES256' as const };

      afterAll(async () => {
        // The bucket is versioned: delete each version written, leaving nothing behind.
        for (const w of written) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: w.key, VersionId: w.versionId }));
        s3.destroy();
      });

      test('a PUT without the encryption header is rejected', async () => {
        await expect(put({ Key: key('unencrypted') })).rejects.toMatchObject({ name: 'AccessDenied' });
      });

      test(`a PUT encrypted as config says (${ctx.config.s3.encryption}) is accepted and stored that way`, async () => {
        const k = key('encrypted');
        await put({ Key: k, ...correctEncryption });
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: k }));
        expect(head.ServerSideEncryption).toBe(correctEncryption.ServerSideEncryption);
        if (kmsMode) expect(head.SSEKMSKeyId).toBe(dataKeyArn);
      });

      test('a PUT with the other algorithm is rejected', async () => {
        const other = kmsMode ? { ServerSideEncryption: 'AES256' as const } : { ServerSideEncryption: 'aws:kms' as const };
        await expect(put({ Key: key('wrong-algorithm'), ...other })).rejects.toMatchObject({ name: 'AccessDenied' });
      });

      if (kmsMode) {
        test('SSE-KMS: a PUT with aws:kms but no key id (the AWS managed aws/s3 key) is rejected', async () => {
          await expect(put({ Key: key('no-key-id'), ServerSideEncryption: 'aws:kms' })).rejects.toMatchObject({ name: 'AccessDenied' });
        });
      }

      test('a request over plain HTTP is rejected, even with the right encryption', async () => {
        // Same credentials, same request, but http:// (path-style: virtual-hosted names need TLS for dotted buckets).
        const http = new S3Client({ ...target, endpoint: `http://s3.${stack.region}.amazonaws.com`, forcePathStyle: true });
        try {
          const err = await put({ Key: key('http'), ...correctEncryption }, http).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(S3ServiceException);
          expect((err as S3ServiceException).name).toBe('AccessDenied');
        } finally {
          http.destroy();
        }
      });
    },
  );
});
