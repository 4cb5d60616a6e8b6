/** What the AWS SDK's default credential chain looks at: a missing-credentials warning must name each of these. */
export const CREDENTIAL_CHAIN_SOURCES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_PROFILE',
  '~/.aws/credentials',
  '~/.aws/config',
  'SSO',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'EC2 instance metadata',
];
