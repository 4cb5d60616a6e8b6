/** Host properties and log configurations appear on sessions and workers alike: their DTOs mapped once. */
import type {
  HostPropertiesResponse,
  LogConfiguration as LogConfigurationDto,
} from '@aws-sdk/client-deadline';
import type { HostProperties, KeyValue, LogConfiguration } from '../__generated__/resolvers-types.js';

export function hostProperties(dto: HostPropertiesResponse | undefined): HostProperties | null {
  if (!dto) return null;
  return {
    hostName: dto.hostName ?? null,
    ipV4Addresses: dto.ipAddresses?.ipV4Addresses ?? [],
    ipV6Addresses: dto.ipAddresses?.ipV6Addresses ?? [],
    ec2InstanceArn: dto.ec2InstanceArn ?? null,
    ec2InstanceType: dto.ec2InstanceType ?? null,
  };
}

export function logConfiguration(dto: LogConfigurationDto | undefined): LogConfiguration | null {
  if (!dto) return null;
  return {
    logDriver: dto.logDriver ?? '',
    options: keyValues(dto.options),
    parameters: keyValues(dto.parameters),
    error: dto.error ?? null,
  };
}

function keyValues(map: Record<string, string> | undefined): KeyValue[] {
  return Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));
}
