#!/usr/bin/env python3
"""PyTorch side of the bench's model rows (`npm run bench`, BENCH_ONLY=training).

Builds, from the very layer list our trainer is given (Spectra Desk LayerSpec JSON), the same
network in PyTorch, trains it on random data and prints one JSON line:
{"framework": "pytorch", "version": ..., "threads": ..., "omp_wait_policy": ..., "params": ..., "spectra_per_s": ..., "epoch_s": [...]}

Our engine holds a batch as [batch, length, channels], PyTorch as [batch, channels, length]: the
layers, shapes and parameter counts are the same; only the order of a flatten's values differs,
which permutes the next dense layer's weights and changes no work. 'same' convolutions pad as
TensorFlow does (the extra point of an even total on the right). The task adds what our trainer
adds: a dense output layer for classification (cross-entropy), nothing for reconstruction (an
autoencoder, MSE against its own input). Adam, lr 1e-3, epsilon 1e-7 (tfjs's).

--params-only prints the parameter count without training (the tests compare it with ours).
The bench runs it with OpenMP's default wait policy, as the reference CNN row; on a loaded
machine set OMP_WAIT_POLICY=PASSIVE (src-main/services/bench-models.ts).
Needs Debian's python3-torch (apt-get install -y python3-torch); run it with /usr/bin/python3.
Throughput is the median over the timed epochs; the first epoch is a warm-up and is not timed.
"""
import argparse, json, math, os, statistics, time

import torch
import torch.nn as nn


class Crop(nn.Module):
    def __init__(self, start: int, end: int):
        super().__init__()
        self.start, self.end = start, end

    def forward(self, x):
        return x[:, :, self.start:x.shape[2] - self.end]


class Reshape(nn.Module):
    def __init__(self, length: int, channels: int):
        super().__init__()
        self.length, self.channels = length, channels

    def forward(self, x):
        return x.view(x.shape[0], self.channels, self.length)


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(2)


def conv_padding(length: int, kernel: int, stride: int, dilation: int, padding):
    """(output length, left pad, right pad) as src-main/common/ml/model.ts convGeometry."""
    span = (kernel - 1) * dilation + 1
    if isinstance(padding, int):
        return (length + 2 * padding - span) // stride + 1, padding, padding
    if padding == "valid":
        return (length - span) // stride + 1, 0, 0
    out = math.ceil(length / stride)
    total = max((out - 1) * stride + span - length, 0)
    return out, total // 2, total - total // 2


def build(layers, length: int, channels: int, outputs):
    """nn.Sequential of the layer list for an input of [length, channels]; `outputs` adds a dense output layer."""
    mods = []
    shape = (length, channels)  # (length, channels) of a sequence, (n,) of a vector
    for layer in layers:
        t = layer["type"]
        if t == "conv1d":
            L, C = shape
            k, s, d = layer["kernelSize"], layer.get("strides", 1), layer.get("dilation", 1)
            out, left, right = conv_padding(L, k, s, d, layer.get("padding", "same"))
            bias = layer.get("useBias", True)
            if left == right:
                mods.append(nn.Conv1d(C, layer["filters"], k, stride=s, dilation=d, padding=left, bias=bias))
            else:
                mods += [nn.ConstantPad1d((left, right), 0.0), nn.Conv1d(C, layer["filters"], k, stride=s, dilation=d, bias=bias)]
            shape = (out, layer["filters"])
        elif t == "relu":
            mods.append(nn.ReLU())
        elif t == "batchNorm":
            mods.append(nn.BatchNorm1d(shape[-1] if len(shape) == 2 else shape[0], eps=layer.get("epsilon", 1e-3), momentum=1 - layer.get("momentum", 0.9)))
        elif t == "maxPool1d":
            if layer.get("padding", "valid") != "valid":
                raise SystemExit("torch_models.py: only 'valid' pooling is built")
            p, s = layer["poolSize"], layer.get("strides") or layer["poolSize"]
            mods.append(nn.MaxPool1d(p, s))
            shape = ((shape[0] - p) // s + 1, shape[1])
        elif t == "globalAvgPool1d":
            mods.append(GlobalAvgPool())
            shape = (shape[1],)
        elif t == "flatten":
            mods.append(nn.Flatten())
            shape = (math.prod(shape),)
        elif t == "dense":
            mods.append(nn.Linear(shape[0], layer["units"], bias=layer.get("useBias", True)))
            shape = (layer["units"],)
        elif t == "dropout":
            mods.append(nn.Dropout(layer["rate"]))
        elif t == "reshape":
            L, C = layer["targetShape"]
            mods.append(Reshape(L, C))
            shape = (L, C)
        elif t == "upsample1d":
            mods.append(nn.Upsample(scale_factor=layer["size"], mode="nearest"))
            shape = (shape[0] * layer["size"], shape[1])
        elif t == "crop1d":
            a, b = layer["cropping"]
            mods.append(Crop(a, b))
            shape = (shape[0] - a - b, shape[1])
        else:
            raise SystemExit(f"torch_models.py: layer type {t!r} is not built here")
    if outputs is not None:
        mods.append(nn.Linear(shape[0], outputs))
        shape = (outputs,)
    return nn.Sequential(*mods), shape


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", required=True, help="file of the layer list (JSON)")
    p.add_argument("--length", type=int, required=True, help="points per spectrum")
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--task", choices=["classification", "reconstruction"], required=True)
    p.add_argument("--classes", type=int, default=3)
    p.add_argument("--n", type=int, default=1024, help="spectra per epoch")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int, default=3, help="timed epochs (after one warm-up)")
    p.add_argument("--threads", type=int, required=True, help="the threads our engine used")
    p.add_argument("--params-only", action="store_true")
    a = p.parse_args()
    with open(a.layers, encoding="utf8") as f:
        layers = json.load(f)
    classify = a.task == "classification"
    model, shape = build(layers, a.length, a.channels, a.classes if classify else None)
    params = sum(t.numel() for t in model.parameters())
    if a.params_only:
        print(json.dumps({"params": params, "output": list(shape)}))
        return
    if not classify and shape != (a.length, a.channels):
        raise SystemExit(f"torch_models.py: the autoencoder gives {shape}, not its input ({a.length}, {a.channels})")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(a.n, a.channels, a.length)
    y = torch.randint(0, a.classes, (a.n,))
    opt = torch.optim.Adam(model.parameters(), 1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss() if classify else nn.MSELoss()

    def epoch() -> float:
        t = time.perf_counter()
        perm = torch.randperm(a.n)
        for i in range(0, a.n, a.batch):
            b = perm[i:i + a.batch]
            opt.zero_grad()
            xb = x[b]
            loss_fn(model(xb), y[b] if classify else xb).backward()
            opt.step()
        return time.perf_counter() - t

    model.train()
    epoch()  # warm-up
    times = [epoch() for _ in range(a.epochs)]
    print(json.dumps({
        "framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"), "params": params, "n": a.n, "batch": a.batch,
        "spectra_per_s": round(a.n / statistics.median(times), 1),
        "epoch_s": [round(t, 3) for t in times],
    }))


if __name__ == "__main__":
    main()
