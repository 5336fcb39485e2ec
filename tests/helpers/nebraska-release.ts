// The release behind shared/vectors/omaha/nebraska-response-with-sysext.xml (a real Flatcar
// release with sysext extra packages), as a manifest for build tests and the XML benchmark.
import type { UpdateManifest } from '../../protocol/omaha/types.ts';

/** The release of nebraska-response-with-sysext.xml. */
export function nebraskaRelease(): UpdateManifest {
  return {
    version: '3732.0.0',
    urls: ['https://update.release.flatcar-linux.net/amd64-usr/3732.0.0/'],
    sha256: 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=',
    packages: [
      { name: 'flatcar_production_update.gz', sha1: 'I6DGNAOrJRUxPbCuLw+AITfiVMo=', size: 382137917, required: true },
      {
        name: 'oem-azure.gz',
        sha1: 'wepxwEV9L2SS1l/ycEZSqWM3dDc=',
        sha256Hex: '3aed3129de50b959a97e4913ba485bd60e72d2bb6aa377d5ed404103f0680043',
        size: 40897503,
        required: false,
      },
      {
        name: 'oem-qemu.gz',
        sha1: '+06iWWI6gaSlcIHV7pjIEJrE9CA=',
        sha256Hex: '8ab630ee4079ecd5f8f512c05b44fec5e4f8db844db916c67c8d54a575cfe506',
        size: 2282,
        required: false,
      },
    ],
  };
}
