/**
 * Instance types EC2 describes and launches: vCPUs, memory, ENI and IP limits, architecture.
 * Numbers are AWS's (DescribeInstanceTypes as recorded in moto's `instance_types.json.gz`, which
 * shared/research/eks-semantics.md §4 checks against amazon-eks-ami's eni-max-pods.txt). The VPC CNI
 * max-pods formula reads `enis` and `ipv4PerEni`: `enis × (ipv4PerEni − 1) + 2`.
 *
 * Row: name, vCPUs, cores, threads per core, memory MiB, max ENIs, IPv4 per ENI, IPv6 per ENI,
 * architecture, hypervisor (`metal` for bare metal), sustained GHz, network performance,
 * burstable, current generation, manufacturer.
 */

type Row = [string, number, number, number, number, number, number, number, 'x86_64' | 'arm64', 'nitro' | 'xen' | 'metal', number, string, number, number, string];

/** What eksplane knows of one instance type. */
export interface InstanceTypeInfo {
  name: string;
  vcpus: number;
  cores: number;
  threadsPerCore: number;
  memoryMiB: number;
  enis: number;
  ipv4PerEni: number;
  ipv6PerEni: number;
  architecture: 'x86_64' | 'arm64';
  hypervisor: 'nitro' | 'xen' | undefined;
  bareMetal: boolean;
  clockGhz: number;
  networkPerformance: string;
  burstable: boolean;
  currentGeneration: boolean;
  manufacturer: string;
}

const ROWS: Row[] = [
  ["m1.small", 1, 1, 1, 1740, 2, 4, 0, "x86_64", "xen", 0, "Low", 0, 0, "Intel"],
  ["m1.medium", 1, 1, 1, 3788, 2, 6, 0, "x86_64", "xen", 0, "Moderate", 0, 0, "Intel"],
  ["m1.large", 2, 2, 1, 7680, 3, 10, 0, "x86_64", "xen", 0, "Moderate", 0, 0, "Intel"],
  ["m1.xlarge", 4, 4, 1, 15360, 4, 15, 0, "x86_64", "xen", 0, "High", 0, 0, "Intel"],
  ["t2.nano", 1, 1, 1, 512, 2, 2, 2, "x86_64", "xen", 2.4, "Low to Moderate", 1, 1, "Intel"],
  ["t2.micro", 1, 1, 1, 1024, 2, 2, 2, "x86_64", "xen", 2.5, "Low to Moderate", 1, 1, "Intel"],
  ["t2.small", 1, 1, 1, 2048, 3, 4, 4, "x86_64", "xen", 2.5, "Low to Moderate", 1, 1, "Intel"],
  ["t2.medium", 2, 2, 1, 4096, 3, 6, 6, "x86_64", "xen", 2.3, "Low to Moderate", 1, 1, "Intel"],
  ["t2.large", 2, 2, 1, 8192, 3, 12, 12, "x86_64", "xen", 2.3, "Low to Moderate", 1, 1, "Intel"],
  ["t2.xlarge", 4, 4, 1, 16384, 3, 15, 15, "x86_64", "xen", 2.3, "Moderate", 1, 1, "Intel"],
  ["t2.2xlarge", 8, 8, 1, 32768, 3, 15, 15, "x86_64", "xen", 2.3, "Moderate", 1, 1, "Intel"],
  ["t3.nano", 2, 1, 2, 512, 2, 2, 2, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3.micro", 2, 1, 2, 1024, 2, 2, 2, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3.small", 2, 1, 2, 2048, 3, 4, 4, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3.medium", 2, 1, 2, 4096, 3, 6, 6, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3.large", 2, 1, 2, 8192, 3, 12, 12, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "Intel"],
  ["t3a.nano", 2, 1, 2, 512, 2, 2, 2, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t3a.micro", 2, 1, 2, 1024, 2, 2, 2, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t3a.small", 2, 1, 2, 2048, 2, 4, 4, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t3a.medium", 2, 1, 2, 4096, 3, 6, 6, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t3a.large", 2, 1, 2, 8192, 3, 12, 12, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t3a.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t3a.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 2.2, "Up to 5 Gigabit", 1, 1, "AMD"],
  ["t4g.nano", 2, 2, 1, 512, 2, 2, 2, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["t4g.micro", 2, 2, 1, 1024, 2, 2, 2, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["t4g.small", 2, 2, 1, 2048, 3, 4, 4, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["t4g.medium", 2, 2, 1, 4096, 3, 6, 6, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["t4g.large", 2, 2, 1, 8192, 3, 12, 12, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["t4g.xlarge", 4, 4, 1, 16384, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["t4g.2xlarge", 8, 8, 1, 32768, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 5 Gigabit", 1, 1, "AWS"],
  ["m4.large", 2, 1, 2, 8192, 2, 10, 10, "x86_64", "xen", 2.4, "Moderate", 0, 0, "Intel"],
  ["m4.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "xen", 2.4, "High", 0, 0, "Intel"],
  ["m4.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "xen", 2.4, "High", 0, 0, "Intel"],
  ["m4.4xlarge", 16, 8, 2, 65536, 8, 30, 30, "x86_64", "xen", 2.4, "High", 0, 0, "Intel"],
  ["m4.10xlarge", 40, 20, 2, 163840, 8, 30, 30, "x86_64", "xen", 2.4, "10 Gigabit", 0, 0, "Intel"],
  ["m4.16xlarge", 64, 32, 2, 262144, 8, 30, 30, "x86_64", "xen", 2.3, "25 Gigabit", 0, 0, "Intel"],
  ["m5.large", 2, 1, 2, 8192, 3, 10, 10, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["m5.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["m5.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["m5.4xlarge", 16, 8, 2, 65536, 8, 30, 30, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["m5.8xlarge", 32, 16, 2, 131072, 8, 30, 30, "x86_64", "nitro", 3.1, "10 Gigabit", 0, 0, "Intel"],
  ["m5.12xlarge", 48, 24, 2, 196608, 8, 30, 30, "x86_64", "nitro", 3.1, "12 Gigabit", 0, 0, "Intel"],
  ["m5.16xlarge", 64, 32, 2, 262144, 15, 50, 50, "x86_64", "nitro", 3.1, "20 Gigabit", 0, 0, "Intel"],
  ["m5.24xlarge", 96, 48, 2, 393216, 15, 50, 50, "x86_64", "nitro", 3.1, "25 Gigabit", 0, 0, "Intel"],
  ["m5.metal", 96, 48, 2, 393216, 15, 50, 50, "x86_64", "metal", 3.1, "25 Gigabit", 0, 0, "Intel"],
  ["m5a.large", 2, 1, 2, 8192, 3, 10, 10, "x86_64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AMD"],
  ["m5a.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AMD"],
  ["m5a.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AMD"],
  ["m5a.4xlarge", 16, 8, 2, 65536, 8, 30, 30, "x86_64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AMD"],
  ["m5a.8xlarge", 32, 16, 2, 131072, 8, 30, 30, "x86_64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AMD"],
  ["m5a.12xlarge", 48, 24, 2, 196608, 8, 30, 30, "x86_64", "nitro", 2.5, "10 Gigabit", 0, 1, "AMD"],
  ["m5a.16xlarge", 64, 32, 2, 262144, 15, 50, 50, "x86_64", "nitro", 2.5, "12 Gigabit", 0, 1, "AMD"],
  ["m5a.24xlarge", 96, 48, 2, 393216, 15, 50, 50, "x86_64", "nitro", 2.5, "20 Gigabit", 0, 1, "AMD"],
  ["m6i.large", 2, 1, 2, 8192, 3, 10, 10, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["m6i.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["m6i.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["m6i.4xlarge", 16, 8, 2, 65536, 8, 30, 30, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["m6i.8xlarge", 32, 16, 2, 131072, 8, 30, 30, "x86_64", "nitro", 3.5, "12.5 Gigabit", 0, 0, "Intel"],
  ["m6i.12xlarge", 48, 24, 2, 196608, 8, 30, 30, "x86_64", "nitro", 3.5, "18.75 Gigabit", 0, 0, "Intel"],
  ["m6i.16xlarge", 64, 32, 2, 262144, 15, 50, 50, "x86_64", "nitro", 3.5, "25 Gigabit", 0, 0, "Intel"],
  ["m6i.24xlarge", 96, 48, 2, 393216, 15, 50, 50, "x86_64", "nitro", 3.5, "37.5 Gigabit", 0, 0, "Intel"],
  ["m6i.32xlarge", 128, 64, 2, 524288, 15, 50, 50, "x86_64", "nitro", 3.5, "50 Gigabit", 0, 0, "Intel"],
  ["m6i.metal", 128, 64, 2, 524288, 15, 50, 50, "x86_64", "metal", 3.5, "50 Gigabit", 0, 0, "Intel"],
  ["m6a.large", 2, 1, 2, 8192, 3, 10, 10, "x86_64", "nitro", 3.6, "Up to 12.5 Gigabit", 0, 1, "AMD"],
  ["m6a.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 3.6, "Up to 12.5 Gigabit", 0, 1, "AMD"],
  ["m6a.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 3.6, "Up to 12.5 Gigabit", 0, 1, "AMD"],
  ["m6a.4xlarge", 16, 8, 2, 65536, 8, 30, 30, "x86_64", "nitro", 3.6, "Up to 12.5 Gigabit", 0, 1, "AMD"],
  ["m6a.8xlarge", 32, 16, 2, 131072, 8, 30, 30, "x86_64", "nitro", 3.6, "12.5 Gigabit", 0, 1, "AMD"],
  ["m6a.12xlarge", 48, 24, 2, 196608, 8, 30, 30, "x86_64", "nitro", 3.6, "18.75 Gigabit", 0, 1, "AMD"],
  ["m6a.16xlarge", 64, 32, 2, 262144, 15, 50, 50, "x86_64", "nitro", 3.6, "25 Gigabit", 0, 1, "AMD"],
  ["m6a.24xlarge", 96, 48, 2, 393216, 15, 50, 50, "x86_64", "nitro", 3.6, "37.5 Gigabit", 0, 1, "AMD"],
  ["m6a.32xlarge", 128, 64, 2, 524288, 15, 50, 50, "x86_64", "nitro", 3.6, "50 Gigabit", 0, 1, "AMD"],
  ["m6a.48xlarge", 192, 96, 2, 786432, 15, 50, 50, "x86_64", "nitro", 3.6, "50 Gigabit", 0, 1, "AMD"],
  ["m6a.metal", 192, 96, 2, 786432, 15, 50, 50, "x86_64", "metal", 3.6, "50 Gigabit", 0, 1, "AMD"],
  ["m6g.medium", 1, 1, 1, 4096, 2, 4, 4, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["m6g.large", 2, 2, 1, 8192, 3, 10, 10, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["m6g.xlarge", 4, 4, 1, 16384, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["m6g.2xlarge", 8, 8, 1, 32768, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["m6g.4xlarge", 16, 16, 1, 65536, 8, 30, 30, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["m6g.8xlarge", 32, 32, 1, 131072, 8, 30, 30, "arm64", "nitro", 2.5, "12 Gigabit", 0, 1, "AWS"],
  ["m6g.12xlarge", 48, 48, 1, 196608, 8, 30, 30, "arm64", "nitro", 2.5, "20 Gigabit", 0, 1, "AWS"],
  ["m6g.16xlarge", 64, 64, 1, 262144, 15, 50, 50, "arm64", "nitro", 2.5, "25 Gigabit", 0, 1, "AWS"],
  ["m6g.metal", 64, 64, 1, 262144, 15, 50, 50, "arm64", "metal", 2.5, "25 Gigabit", 0, 1, "AWS"],
  ["m7i.large", 2, 1, 2, 8192, 3, 10, 10, "x86_64", "nitro", 3.2, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["m7i.xlarge", 4, 2, 2, 16384, 4, 15, 15, "x86_64", "nitro", 3.2, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["m7i.2xlarge", 8, 4, 2, 32768, 4, 15, 15, "x86_64", "nitro", 3.2, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["m7i.4xlarge", 16, 8, 2, 65536, 8, 30, 30, "x86_64", "nitro", 3.2, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["m7i.8xlarge", 32, 16, 2, 131072, 8, 30, 30, "x86_64", "nitro", 3.2, "12.5 Gigabit", 0, 1, "Intel"],
  ["m7i.12xlarge", 48, 24, 2, 196608, 8, 30, 30, "x86_64", "nitro", 3.2, "18.75 Gigabit", 0, 1, "Intel"],
  ["m7i.16xlarge", 64, 32, 2, 262144, 15, 50, 50, "x86_64", "nitro", 3.2, "25 Gigabit", 0, 1, "Intel"],
  ["m7i.24xlarge", 96, 48, 2, 393216, 15, 50, 50, "x86_64", "nitro", 3.2, "37.5 Gigabit", 0, 1, "Intel"],
  ["m7i.48xlarge", 192, 96, 2, 786432, 15, 50, 50, "x86_64", "nitro", 3.2, "50 Gigabit", 0, 1, "Intel"],
  ["m7g.medium", 1, 1, 1, 4096, 2, 4, 4, "arm64", "nitro", 2.6, "Up to 12.5 Gigabit", 0, 1, "AWS"],
  ["m7g.large", 2, 2, 1, 8192, 3, 10, 10, "arm64", "nitro", 2.6, "Up to 12.5 Gigabit", 0, 1, "AWS"],
  ["m7g.xlarge", 4, 4, 1, 16384, 4, 15, 15, "arm64", "nitro", 2.6, "Up to 12.5 Gigabit", 0, 1, "AWS"],
  ["m7g.2xlarge", 8, 8, 1, 32768, 4, 15, 15, "arm64", "nitro", 2.6, "Up to 15 Gigabit", 0, 1, "AWS"],
  ["m7g.4xlarge", 16, 16, 1, 65536, 8, 30, 30, "arm64", "nitro", 2.6, "Up to 15 Gigabit", 0, 1, "AWS"],
  ["m7g.8xlarge", 32, 32, 1, 131072, 8, 30, 30, "arm64", "nitro", 2.6, "15 Gigabit", 0, 1, "AWS"],
  ["m7g.12xlarge", 48, 48, 1, 196608, 8, 30, 30, "arm64", "nitro", 2.6, "22.5 Gigabit", 0, 1, "AWS"],
  ["m7g.16xlarge", 64, 64, 1, 262144, 15, 50, 50, "arm64", "nitro", 2.6, "30 Gigabit", 0, 1, "AWS"],
  ["m7g.metal", 64, 64, 1, 262144, 15, 50, 50, "arm64", "metal", 2.6, "30 Gigabit", 0, 1, "AWS"],
  ["c5.large", 2, 1, 2, 4096, 3, 10, 10, "x86_64", "nitro", 3.4, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["c5.xlarge", 4, 2, 2, 8192, 4, 15, 15, "x86_64", "nitro", 3.4, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["c5.2xlarge", 8, 4, 2, 16384, 4, 15, 15, "x86_64", "nitro", 3.4, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["c5.4xlarge", 16, 8, 2, 32768, 8, 30, 30, "x86_64", "nitro", 3.4, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["c5.9xlarge", 36, 18, 2, 73728, 8, 30, 30, "x86_64", "nitro", 3.4, "12 Gigabit", 0, 0, "Intel"],
  ["c5.12xlarge", 48, 24, 2, 98304, 8, 30, 30, "x86_64", "nitro", 3.6, "12 Gigabit", 0, 0, "Intel"],
  ["c5.18xlarge", 72, 36, 2, 147456, 15, 50, 50, "x86_64", "nitro", 3.4, "25 Gigabit", 0, 0, "Intel"],
  ["c5.24xlarge", 96, 48, 2, 196608, 15, 50, 50, "x86_64", "nitro", 3.6, "25 Gigabit", 0, 0, "Intel"],
  ["c5.metal", 96, 48, 2, 196608, 15, 50, 50, "x86_64", "metal", 3.6, "25 Gigabit", 0, 0, "Intel"],
  ["c6i.large", 2, 1, 2, 4096, 3, 10, 10, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["c6i.xlarge", 4, 2, 2, 8192, 4, 15, 15, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["c6i.2xlarge", 8, 4, 2, 16384, 4, 15, 15, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["c6i.4xlarge", 16, 8, 2, 32768, 8, 30, 30, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 1, "Intel"],
  ["c6i.8xlarge", 32, 16, 2, 65536, 8, 30, 30, "x86_64", "nitro", 3.5, "12.5 Gigabit", 0, 1, "Intel"],
  ["c6i.12xlarge", 48, 24, 2, 98304, 8, 30, 30, "x86_64", "nitro", 3.5, "18.75 Gigabit", 0, 1, "Intel"],
  ["c6i.16xlarge", 64, 32, 2, 131072, 15, 50, 50, "x86_64", "nitro", 3.5, "25 Gigabit", 0, 1, "Intel"],
  ["c6i.24xlarge", 96, 48, 2, 196608, 15, 50, 50, "x86_64", "nitro", 3.5, "37.5 Gigabit", 0, 1, "Intel"],
  ["c6i.32xlarge", 128, 64, 2, 262144, 15, 50, 50, "x86_64", "nitro", 3.5, "50 Gigabit", 0, 1, "Intel"],
  ["c6i.metal", 128, 64, 2, 262144, 15, 50, 50, "x86_64", "metal", 3.5, "50 Gigabit", 0, 1, "Intel"],
  ["c6g.medium", 1, 1, 1, 2048, 2, 4, 4, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["c6g.large", 2, 2, 1, 4096, 3, 10, 10, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["c6g.xlarge", 4, 4, 1, 8192, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["c6g.2xlarge", 8, 8, 1, 16384, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["c6g.4xlarge", 16, 16, 1, 32768, 8, 30, 30, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["c6g.8xlarge", 32, 32, 1, 65536, 8, 30, 30, "arm64", "nitro", 2.5, "12 Gigabit", 0, 1, "AWS"],
  ["c6g.12xlarge", 48, 48, 1, 98304, 8, 30, 30, "arm64", "nitro", 2.5, "20 Gigabit", 0, 1, "AWS"],
  ["c6g.16xlarge", 64, 64, 1, 131072, 15, 50, 50, "arm64", "nitro", 2.5, "25 Gigabit", 0, 1, "AWS"],
  ["c6g.metal", 64, 64, 1, 131072, 15, 50, 50, "arm64", "metal", 2.5, "25 Gigabit", 0, 1, "AWS"],
  ["c7g.medium", 1, 1, 1, 2048, 2, 4, 4, "arm64", "nitro", 2.6, "Up to 12.5 Gigabit", 0, 1, "AWS"],
  ["c7g.large", 2, 2, 1, 4096, 3, 10, 10, "arm64", "nitro", 2.6, "Up to 12.5 Gigabit", 0, 1, "AWS"],
  ["c7g.xlarge", 4, 4, 1, 8192, 4, 15, 15, "arm64", "nitro", 2.6, "Up to 12.5 Gigabit", 0, 1, "AWS"],
  ["c7g.2xlarge", 8, 8, 1, 16384, 4, 15, 15, "arm64", "nitro", 2.6, "Up to 15 Gigabit", 0, 1, "AWS"],
  ["c7g.4xlarge", 16, 16, 1, 32768, 8, 30, 30, "arm64", "nitro", 2.6, "Up to 15 Gigabit", 0, 1, "AWS"],
  ["c7g.8xlarge", 32, 32, 1, 65536, 8, 30, 30, "arm64", "nitro", 2.6, "15 Gigabit", 0, 1, "AWS"],
  ["c7g.12xlarge", 48, 48, 1, 98304, 8, 30, 30, "arm64", "nitro", 2.6, "22.5 Gigabit", 0, 1, "AWS"],
  ["c7g.16xlarge", 64, 64, 1, 131072, 15, 50, 50, "arm64", "nitro", 2.6, "30 Gigabit", 0, 1, "AWS"],
  ["c7g.metal", 64, 64, 1, 131072, 15, 50, 50, "arm64", "metal", 2.6, "30 Gigabit", 0, 1, "AWS"],
  ["r5.large", 2, 1, 2, 16384, 3, 10, 10, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["r5.xlarge", 4, 2, 2, 32768, 4, 15, 15, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["r5.2xlarge", 8, 4, 2, 65536, 4, 15, 15, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["r5.4xlarge", 16, 8, 2, 131072, 8, 30, 30, "x86_64", "nitro", 3.1, "Up to 10 Gigabit", 0, 0, "Intel"],
  ["r5.8xlarge", 32, 16, 2, 262144, 8, 30, 30, "x86_64", "nitro", 3.1, "10 Gigabit", 0, 0, "Intel"],
  ["r5.12xlarge", 48, 24, 2, 393216, 8, 30, 30, "x86_64", "nitro", 3.1, "12 Gigabit", 0, 0, "Intel"],
  ["r5.16xlarge", 64, 32, 2, 524288, 15, 50, 50, "x86_64", "nitro", 3.1, "20 Gigabit", 0, 0, "Intel"],
  ["r5.24xlarge", 96, 48, 2, 786432, 15, 50, 50, "x86_64", "nitro", 3.1, "25 Gigabit", 0, 0, "Intel"],
  ["r5.metal", 96, 48, 2, 786432, 15, 50, 50, "x86_64", "metal", 3.1, "25 Gigabit", 0, 0, "Intel"],
  ["r6i.large", 2, 1, 2, 16384, 3, 10, 10, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["r6i.xlarge", 4, 2, 2, 32768, 4, 15, 15, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["r6i.2xlarge", 8, 4, 2, 65536, 4, 15, 15, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["r6i.4xlarge", 16, 8, 2, 131072, 8, 30, 30, "x86_64", "nitro", 3.5, "Up to 12.5 Gigabit", 0, 0, "Intel"],
  ["r6i.8xlarge", 32, 16, 2, 262144, 8, 30, 30, "x86_64", "nitro", 3.5, "12.5 Gigabit", 0, 0, "Intel"],
  ["r6i.12xlarge", 48, 24, 2, 393216, 8, 30, 30, "x86_64", "nitro", 3.5, "18.75 Gigabit", 0, 0, "Intel"],
  ["r6i.16xlarge", 64, 32, 2, 524288, 15, 50, 50, "x86_64", "nitro", 3.5, "25 Gigabit", 0, 0, "Intel"],
  ["r6i.24xlarge", 96, 48, 2, 786432, 15, 50, 50, "x86_64", "nitro", 3.5, "37.5 Gigabit", 0, 0, "Intel"],
  ["r6i.32xlarge", 128, 64, 2, 1048576, 15, 50, 50, "x86_64", "nitro", 3.5, "50 Gigabit", 0, 0, "Intel"],
  ["r6i.metal", 128, 64, 2, 1048576, 15, 50, 50, "x86_64", "metal", 3.5, "50 Gigabit", 0, 0, "Intel"],
  ["r6g.medium", 1, 1, 1, 8192, 2, 4, 4, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["r6g.large", 2, 2, 1, 16384, 3, 10, 10, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["r6g.xlarge", 4, 4, 1, 32768, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["r6g.2xlarge", 8, 8, 1, 65536, 4, 15, 15, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["r6g.4xlarge", 16, 16, 1, 131072, 8, 30, 30, "arm64", "nitro", 2.5, "Up to 10 Gigabit", 0, 1, "AWS"],
  ["r6g.8xlarge", 32, 32, 1, 262144, 8, 30, 30, "arm64", "nitro", 2.5, "12 Gigabit", 0, 1, "AWS"],
  ["r6g.12xlarge", 48, 48, 1, 393216, 8, 30, 30, "arm64", "nitro", 2.5, "20 Gigabit", 0, 1, "AWS"],
  ["r6g.16xlarge", 64, 64, 1, 524288, 15, 50, 50, "arm64", "nitro", 2.5, "25 Gigabit", 0, 1, "AWS"],
  ["r6g.metal", 64, 64, 1, 524288, 15, 50, 50, "arm64", "metal", 2.5, "25 Gigabit", 0, 1, "AWS"],
];

/** Every known instance type, in family and size order. */
export const INSTANCE_TYPES: readonly InstanceTypeInfo[] = ROWS.map((r) => ({
  name: r[0], vcpus: r[1], cores: r[2], threadsPerCore: r[3], memoryMiB: r[4], enis: r[5], ipv4PerEni: r[6], ipv6PerEni: r[7],
  architecture: r[8], hypervisor: r[9] === 'metal' ? undefined : r[9], bareMetal: r[9] === 'metal', clockGhz: r[10],
  networkPerformance: r[11], burstable: r[12] === 1, currentGeneration: r[13] === 1, manufacturer: r[14],
}));

const BY_NAME = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

/** The instance type named `name`, or undefined. */
export function instanceType(name: string): InstanceTypeInfo | undefined {
  return BY_NAME.get(name);
}

/** The VPC CNI's max pods for a type: `ENIs × (IPv4 per ENI − 1) + 2` (eni-max-pods.txt). */
export function maxPods(t: InstanceTypeInfo): number {
  return t.enis * (t.ipv4PerEni - 1) + 2;
}

/** The type as DescribeInstanceTypes' InstanceTypeInfo. */
export function instanceTypeWire(t: InstanceTypeInfo): Record<string, unknown> {
  return {
    InstanceType: t.name,
    CurrentGeneration: t.currentGeneration,
    FreeTierEligible: t.name === 't2.micro' || t.name === 't3.micro',
    SupportedUsageClasses: ['on-demand', 'spot'],
    SupportedRootDeviceTypes: ['ebs'],
    SupportedVirtualizationTypes: t.hypervisor === 'xen' ? ['hvm', 'paravirtual'] : ['hvm'],
    BareMetal: t.bareMetal,
    Hypervisor: t.hypervisor,
    ProcessorInfo: { SupportedArchitectures: [t.architecture], SustainedClockSpeedInGhz: t.clockGhz || undefined, Manufacturer: t.manufacturer },
    VCpuInfo: { DefaultVCpus: t.vcpus, DefaultCores: t.cores, DefaultThreadsPerCore: t.threadsPerCore },
    MemoryInfo: { SizeInMiB: t.memoryMiB },
    InstanceStorageSupported: false,
    EbsInfo: { EbsOptimizedSupport: t.hypervisor === 'xen' ? 'supported' : 'default', EncryptionSupport: 'supported', NvmeSupport: t.hypervisor === 'xen' ? 'unsupported' : 'required' },
    NetworkInfo: {
      NetworkPerformance: t.networkPerformance,
      MaximumNetworkInterfaces: t.enis,
      MaximumNetworkCards: 1,
      DefaultNetworkCardIndex: 0,
      NetworkCards: [{ NetworkCardIndex: 0, NetworkPerformance: t.networkPerformance, MaximumNetworkInterfaces: t.enis }],
      Ipv4AddressesPerInterface: t.ipv4PerEni,
      Ipv6AddressesPerInterface: t.ipv6PerEni,
      Ipv6Supported: t.ipv6PerEni > 0,
      EnaSupport: t.hypervisor === 'xen' ? 'unsupported' : 'required',
      EfaSupported: false,
      EncryptionInTransitSupported: false,
    },
    PlacementGroupInfo: { SupportedStrategies: ['cluster', 'partition', 'spread'] },
    HibernationSupported: false,
    BurstablePerformanceSupported: t.burstable,
    DedicatedHostsSupported: !t.burstable,
    AutoRecoverySupported: true,
    SupportedBootModes: t.architecture === 'arm64' ? ['uefi'] : ['legacy-bios', 'uefi'],
    NitroEnclavesSupport: 'unsupported',
    NitroTpmSupport: t.hypervisor === 'xen' ? 'unsupported' : 'supported',
  };
}
