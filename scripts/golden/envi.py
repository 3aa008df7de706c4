#!/usr/bin/python3
"""ENVI cube fixtures (test/fixtures/envi/), written with Debian's python3-spectral.

Run with Debian's python3:  /usr/bin/python3 scripts/golden/envi.py
(apt-get install -y python3-spectral)

Each cube is 3 lines x 4 samples x 5 bands; the value at (line l, sample s, band b) is
100*l + 10*s + b (+ 0.5 for float types, negated for signed integer types), so every value
is exact in every data type and names its own position. spectral's envi.save_image writes
the header and the data in the interleave, data type and byte order asked for; one cube is
then given a 16-byte header offset by hand (spectral always writes 0). Every file is read
back with spectral.envi.open, an independent reader, and its pixels are written to
expected.json, which the tests compare with ours.
"""
import json
import os

import numpy as np
import spectral.io.envi as envi

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'envi')
LINES, SAMPLES, BANDS = 3, 4, 5
WAVELENGTHS = [1000.0, 1004.5, 1009.0, 1013.5, 1018.0]
HEADER_OFFSET = 16

# name, interleave, numpy dtype, byte order, data file extension ('' = same name as the header without .hdr)
CUBES = [
    ('bsq-float32-le', 'bsq', 'float32', 'little', '.img'),
    ('bil-float32-be', 'bil', 'float32', 'big', '.img'),
    ('bip-float32-le', 'bip', 'float32', 'little', '.dat'),
    ('bsq-int16-be', 'bsq', 'int16', 'big', ''),
    ('bil-int16-le', 'bil', 'int16', 'little', '.raw'),
    ('bip-int16-be', 'bip', 'int16', 'big', '.img'),
    ('bip-uint8', 'bip', 'uint8', 'little', '.img'),
    ('bsq-int32-be', 'bsq', 'int32', 'big', '.img'),
    ('bil-float64-le', 'bil', 'float64', 'little', '.img'),
    ('bip-uint16-be', 'bip', 'uint16', 'big', '.img'),
    ('bsq-float32-offset', 'bsq', 'float32', 'little', '.img'),
]


def cube(dtype):
    l, s, b = np.meshgrid(np.arange(LINES), np.arange(SAMPLES), np.arange(BANDS), indexing='ij')
    v = (100 * l + 10 * s + b).astype(np.float64)
    kind = np.dtype(dtype).kind
    if kind == 'f':
        v = v + 0.5
    elif kind == 'i':
        v = -v
    return v.astype(dtype)


def add_header_offset(hdr, img):
    with open(hdr) as f:
        text = f.read()
    assert 'header offset = 0\n' in text
    with open(hdr, 'w') as f:
        f.write(text.replace('header offset = 0\n', 'header offset = %d\n' % HEADER_OFFSET))
    with open(img, 'rb') as f:
        data = f.read()
    with open(img, 'wb') as f:
        f.write(b'\xee' * HEADER_OFFSET + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for name, interleave, dtype, order, ext in CUBES:
        hdr = os.path.join(OUT, name + '.hdr')
        img = os.path.join(OUT, name + ext)
        metadata = {'wavelength': WAVELENGTHS, 'wavelength units': 'Nanometers', 'description': 'Spectra Desk ENVI fixture ' + name}
        envi.save_image(hdr, cube(dtype), interleave=interleave, byteorder=order, ext=ext, metadata=metadata, force=True)
        if name.endswith('-offset'):
            add_header_offset(hdr, img)
        back = np.asarray(envi.open(hdr, img).load())
        assert back.shape == (LINES, SAMPLES, BANDS)
        assert np.array_equal(back, cube(dtype)), name
        expected[name] = {
            'data': name + ext,
            'interleave': interleave,
            'dtype': dtype,
            'byteOrder': order,
            # pixels[line][sample] = the spectrum of that pixel, as spectral reads it
            'pixels': [[[float(x) for x in back[l, s, :]] for s in range(SAMPLES)] for l in range(LINES)],
        }
    expected_meta = {'lines': LINES, 'samples': SAMPLES, 'bands': BANDS, 'wavelengths': WAVELENGTHS, 'cubes': expected}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected_meta, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
