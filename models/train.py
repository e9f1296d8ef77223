#!/usr/bin/python3
"""Train an Emoscope AlexNet on FER2013 or on any class-per-folder data set.

Examples (from the repository root):

  /usr/bin/python3 models/train.py --name happy_sad --classes happy,sad --epochs 30
  /usr/bin/python3 models/train.py --name seven_emotions \
      --classes angry,disgust,fear,happy,neutral,sad,surprise --epochs 40
  /usr/bin/python3 models/train.py --name mine --data /path/to/photos --classes a,b
  /usr/bin/python3 models/train.py --out models/runs/happy_sad --resume

Every epoch writes <out>/last.pt (resumable) and, when validation improves,
<out>/best.pt; <out>/history.json holds the per-epoch numbers. Export with
models/export.py.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", default=None, help="model name (default: derived from --out)")
    p.add_argument("--data", default="fer2013",
                   help="'fer2013' (../shared, EMOSCOPE_SHARED_DIR), 'ferplus' (its images with FER+ majority "
                        "labels; --ferplus soft trains on the vote distributions) or a folder: <data>/train|val|test/<class>/*"
                        " or <data>/<class>/* (then --val-fraction is held out)")
    p.add_argument("--classes", default="happy,sad",
                   help="comma list of classes; 'label=src1+src2' merges folders")
    p.add_argument("--out", default=None, help="run folder (default models/runs/<name>)")
    p.add_argument("--resume", action="store_true", help="continue from <out>/last.pt with its saved settings")
    p.add_argument("--init", default=None,
                   help="start from this checkpoint's or exported model's weights (same --width/--fc; the last FC layer is "
                        "re-initialised when the number of classes differs), e.g. fine-tune happy_sad "
                        "from a seven_emotions run")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.05, help="peak learning rate (SGD, nesterov)")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--schedule", choices=["onecycle", "cosine"], default="onecycle")
    p.add_argument("--time-budget", type=float, default=0,
                   help="minutes of wall time: the one-cycle LR follows elapsed time instead of steps and "
                        "training ends, annealed, when the budget is used (--epochs is then an upper bound)")
    p.add_argument("--warmup", type=float, default=0.15, help="onecycle warm-up fraction")
    p.add_argument("--patience", type=int, default=8, help="early stop after this many epochs without val gain")
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--ferplus", choices=["none", "soft", "majority"], default="none",
                   help="use FER+ crowd votes for training targets (FER2013 only)")
    p.add_argument("--ferplus-weight", type=float, default=0.5)
    p.add_argument("--teacher", default=None,
                   help="distillation: an .npz of models/make_teacher.py whose probabilities are mixed into the "
                        "training targets")
    p.add_argument("--teacher-weight", type=float, default=0.5,
                   help="target = (1 - w) * the data's target + w * the teacher's probabilities")
    p.add_argument("--balance", choices=["none", "sampler", "loss", "sqrt"], default="none",
                   help="sampler: class-balanced sampling; loss: loss weights 1/frequency; sqrt: loss weights "
                        "1/sqrt(frequency) (a milder push towards rare classes)")
    p.add_argument("--input-size", type=int, default=48)
    p.add_argument("--channels", type=int, default=1, choices=[1, 3])
    p.add_argument("--width", default="32,64,128,128,128", help="channels of the 5 conv layers")
    p.add_argument("--fc", type=int, default=256)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--mean", type=float, default=0.5)
    p.add_argument("--std", type=float, default=0.25)
    p.add_argument("--margin", type=float, default=0.1, help="crop margin recorded for export")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--augment-strength", type=float, default=1.0,
                   help="scale every augmentation magnitude and probability (e.g. 0.5 for a "
                        "final phase closer to the test images; 1 = the documented augmentation)")
    p.add_argument("--max-train", type=int, default=0, help="use at most this many training images (debug)")
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--log-every", type=int, default=20, help="print progress every N batches")
    p.add_argument("--stop-after", type=int, default=0,
                   help="stop this invocation after N epochs (continue later with --resume)")
    p.add_argument("--swa-start", type=float, default=0.0,
                   help="stochastic weight averaging: after this fraction of the time budget (or of --epochs) "
                        "the LR stays at --swa-lr and the weights are averaged at the end of every epoch; "
                        "the average (BN statistics recomputed) competes for best.pt on validation. 0 = off")
    p.add_argument("--swa-lr", type=float, default=0.005, help="constant LR while averaging")
    p.add_argument("--swa-bn-images", type=int, default=8192,
                   help="augmented training images used to recompute the averaged model's BN statistics")
    return p


class SwaAverage:
    """Running mean of a network's weights, taken at epoch ends (stochastic weight averaging,
    Izmailov et al. 2018). BN running statistics are not averaged: ``averaged_model`` recomputes
    them from training batches, since the mean of the weights needs its own statistics."""

    def __init__(self):
        self.n = 0
        self.mean = {}

    def update(self, model) -> None:
        import torch
        with torch.no_grad():
            for k, v in model.state_dict().items():
                if not v.is_floating_point() or "running_" in k:
                    continue
                if self.n == 0:
                    self.mean[k] = v.detach().clone().float()
                else:
                    self.mean[k] += (v.detach().float() - self.mean[k]) / (self.n + 1)
        self.n += 1

    def averaged_model(self, model, batches):
        import copy
        import torch
        avg = copy.deepcopy(model)
        sd = avg.state_dict()
        for k, v in self.mean.items():
            sd[k].copy_(v)
        bns = [m for m in avg.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        momenta = [m.momentum for m in bns]
        for m in bns:
            m.reset_running_stats()
            m.momentum = None   # cumulative mean over all batches
        avg.train()
        with torch.no_grad():
            for xb in batches():
                avg(xb)
        for m, mom in zip(bns, momenta):
            m.momentum = mom
        avg.eval()
        return avg

    def state_dict(self) -> dict:
        return {"n": self.n, "mean": self.mean}

    def load_state_dict(self, sd: dict) -> None:
        self.n, self.mean = int(sd["n"]), dict(sd["mean"])


def load_init_weights(path: str) -> dict:
    """Network weights from a train.py checkpoint or from an exported model file (.pt
    TorchScript, whose flip-TTA / temperature wrappers nest the network as ``net.``)."""
    import torch
    try:   # TorchScript first: torch.load would warn and dispatch to jit.load itself
        sd = torch.jit.load(path, map_location="cpu").state_dict()
    except RuntimeError:
        return torch.load(path, map_location="cpu")["model"]
    out = {}
    for k, v in sd.items():
        if k == "inv_temperature":   # TemperatureScaled's buffer, not part of the network
            continue
        while k.startswith("net."):
            k = k[4:]
        out[k] = v
    return out


TRAIN_KEYS_FROM_CLI_ON_RESUME = {"threads", "device", "log_every", "resume", "out", "stop_after"}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import numpy as np
    import torch
    import torch.nn.functional as F
    import cv2
    from emoscope_model import data as D
    from emoscope_model.net import EmoscopeAlexNet, FlipTTA, describe

    cv2.setNumThreads(1)
    torch.set_num_threads(args.threads)

    if args.out is None:
        if not args.name:
            print("error: give --name or --out", file=sys.stderr)
            return 2
        args.out = str(HERE / "runs" / args.name)
    out = Path(args.out)
    ckpt = None
    if args.resume:
        last = out / "last.pt"
        if not last.is_file():
            print(f"error: --resume but {last} does not exist", file=sys.stderr)
            return 2
        ckpt = torch.load(last, map_location="cpu")
        saved = ckpt["args"]
        for k, v in saved.items():
            if k not in TRAIN_KEYS_FROM_CLI_ON_RESUME:
                setattr(args, k, v)
        print(f"resuming {last} at epoch {ckpt['epoch'] + 2}/{args.epochs} (saved settings; "
              f"--epochs and other training options of this command are ignored)", flush=True)
    if not args.name:
        args.name = out.name
    out.mkdir(parents=True, exist_ok=True)

    if args.device == "cuda" and not torch.cuda.is_available():
        print("error: --device cuda but CUDA is not available", file=sys.stderr)
        return 2
    device = torch.device(args.device)
    torch.manual_seed(args.seed)

    size = (args.input_size, args.input_size)
    labels, _ = D.parse_classes(args.classes)
    t0 = time.time()
    try:
        kw = dict(classes=args.classes, channels=args.channels, ferplus=args.ferplus,
                  ferplus_weight=args.ferplus_weight, val_fraction=args.val_fraction, seed=args.seed)
        is_fer = D.is_fer_data(args.data)
        if not is_fer and args.ferplus != "none":
            raise D.DataError("--ferplus needs --data fer2013 or ferplus")
        if not is_fer:
            kw["size"] = size   # own photos: stored at the input size (whole-image preprocessing)
        train = D.load_any(args.data, "train", **kw)
        val = D.load_any(args.data, "val", **kw)
    except D.DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.max_train and len(train) > args.max_train:
        sel = np.random.default_rng(args.seed).permutation(len(train))[:args.max_train]
        train = D.Dataset(train.images[sel], train.labels[sel], train.classes,
                          [train.paths[i] for i in sel], None if train.soft is None else train.soft[sel])
    K = len(labels)
    if args.teacher:
        t = np.load(args.teacher)
        if list(t["labels"]) != list(labels):
            print(f"error: the teacher's labels {list(t['labels'])} are not {labels}", file=sys.stderr)
            return 2
        row = {p: i for i, p in enumerate(t["paths"])}
        missing = [p for p in train.paths if p not in row]
        if missing:
            print(f"error: the teacher has no target for {len(missing)} training image(s), e.g. {missing[0]}",
                  file=sys.stderr)
            return 2
        own = train.soft if train.soft is not None else np.eye(K, dtype=np.float32)[train.labels]
        taught = t["probs"][[row[p] for p in train.paths]]
        train.soft = ((1 - args.teacher_weight) * own + args.teacher_weight * taught).astype(np.float32)
        print(f"targets: {1 - args.teacher_weight:g} x data + {args.teacher_weight:g} x teacher {args.teacher}",
              flush=True)
    print(f"data: train {len(train)} {dict(zip(labels, train.counts()))}, val {len(val)} "
          f"{dict(zip(labels, val.counts()))} ({time.time() - t0:.1f}s)", flush=True)

    mean, std = [args.mean] * args.channels, [args.std] * args.channels
    meta = {"input": {"channels": args.channels, "height": size[0], "width": size[1],
                      "mean": mean, "std": std}}
    # validation path: the exact whole-image preprocessing of the app
    from emoscope_model.preprocess import face_to_array
    xval = torch.from_numpy(D.to_tensor_batch([face_to_array(im, meta) for im in val.images], mean, std))
    yval = torch.from_numpy(val.labels)

    width = tuple(int(v) for v in str(args.width).split(","))
    model = EmoscopeAlexNet(K, args.channels, width, args.fc, args.dropout)
    info = describe(model, (args.channels, size[0], size[1]))
    print(info["text"], flush=True)
    if args.init and ckpt is None:
        init_sd = load_init_weights(args.init)
        own = model.state_dict()
        keep = {k: v for k, v in init_sd.items() if k in own and own[k].shape == v.shape}
        model.load_state_dict(keep, strict=False)
        print(f"initialised {len(keep)}/{len(own)} tensors from {args.init}", flush=True)
    model.to(device)

    steps_per_epoch = max(1, len(train) // args.batch_size)
    decay, no_decay = [], []
    for n_, p_ in model.named_parameters():
        (no_decay if p_.ndim <= 1 else decay).append(p_)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=args.lr, momentum=0.9, nesterov=True)
    total = steps_per_epoch * args.epochs
    if args.schedule == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=total,
                                                    pct_start=args.warmup, div_factor=20,
                                                    final_div_factor=200)
    else:
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / max(1, int(0.03 * total))) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total))))

    budget_s = args.time_budget * 60.0
    elapsed0 = 0.0   # wall time of earlier invocations (resume)

    def warmup_cosine(frac: float, lr_from: float, lr_to: float) -> float:
        """Linear warm-up from lr_from to --lr over --warmup, then cosine down to lr_to at frac 1."""
        w = args.warmup
        if frac < w:
            return lr_from + (args.lr - lr_from) * frac / w
        return lr_to + (args.lr - lr_to) * 0.5 * (1 + math.cos(math.pi * min(1.0, (frac - w) / (1 - w))))

    def lr_at(frac: float) -> float:
        if args.swa_start > 0:   # the usual shape squeezed into [0, swa_start], then constant
            if frac >= args.swa_start:
                return args.swa_lr
            return warmup_cosine(frac / args.swa_start, args.swa_lr, args.swa_lr)
        return warmup_cosine(frac, 0.05 * args.lr, 0.002 * args.lr)

    start_epoch, best, best_epoch, history = 0, -1.0, -1, []
    # the command that started the run: it, not a later `--resume`, is the recipe to rerun
    command = " ".join(sys.argv if argv is None else ["models/train.py", *argv])
    swa = SwaAverage()
    if ckpt is not None:
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        start_epoch, best, best_epoch = ckpt["epoch"] + 1, ckpt["best_metric"], ckpt["best_epoch"]
        history = ckpt["history"]
        elapsed0 = ckpt.get("elapsed_s", 0.0)
        command = ckpt["config"].get("command", command)
        torch.set_rng_state(ckpt["torch_rng"])
        if ckpt.get("swa"):
            swa.load_state_dict(ckpt["swa"])

    cfg = D.AugmentConfig().scaled(args.augment_strength)
    class_w = None
    if args.balance in ("loss", "sqrt"):
        cnt = np.bincount(train.labels, minlength=K).astype(np.float64)
        w = cnt.sum() / (K * np.maximum(cnt, 1))
        if args.balance == "sqrt":
            w = np.sqrt(w)
        class_w = torch.tensor(w / (w * cnt).sum() * cnt.sum(), dtype=torch.float32, device=device)
    targets_soft = None
    if train.soft is not None:
        sm = train.soft * (1 - args.label_smoothing) + args.label_smoothing / K
        targets_soft = torch.from_numpy(sm.astype(np.float32))

    def evaluate(net) -> tuple[float, float, float, float]:
        net.eval()
        with torch.no_grad():
            logits, logits_f = [], []
            for i in range(0, len(xval), 256):
                xb = xval[i:i + 256].to(device)
                logits.append(net(xb).float().cpu())
                logits_f.append(net(torch.flip(xb, dims=[3])).float().cpu())
            lo = torch.cat(logits)
            lt = 0.5 * (lo + torch.cat(logits_f))
        def acc_bal(l):
            pred = l.argmax(1)
            acc = (pred == yval).float().mean().item()
            rec = [((pred == k) & (yval == k)).sum().item() / max(1, (yval == k).sum().item()) for k in range(K)]
            return acc, float(np.mean(rec))
        a, b = acc_bal(lo)
        at, bt = acc_bal(lt)
        return a, b, at, bt

    def save(path: Path, epoch: int, weights=None):
        torch.save({"model": weights if weights is not None else model.state_dict(),
                    "weights": "swa" if weights is not None else "model",
                    "swa": swa.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(), "epoch": epoch, "best_metric": best,
                    "best_epoch": best_epoch, "history": history, "args": vars(args),
                    "torch_rng": torch.get_rng_state(), "elapsed_s": elapsed0 + time.time() - t_run,
                    "config": {"name": args.name, "labels": labels, "classes": args.classes,
                               "input": meta["input"], "width": list(width), "fc": args.fc,
                               "dropout": args.dropout, "margin": args.margin,
                               "data": args.data, "ferplus": args.ferplus,
                               "architecture": info["text"], "params": info["params"],
                               "macs": info["macs"], "train_count": len(train),
                               "train_counts": train.counts(), "val_count": len(val),
                               "command": command}}, str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)

    def frac_done(epoch: int) -> float:
        """Progress through the run after ``epoch`` (0-based) ends: of the time budget, else of --epochs."""
        if budget_s:
            return (elapsed0 + time.time() - t_run) / budget_s
        return (epoch + 1) / args.epochs

    def train_batch(idx, rng):
        """Training images ``idx`` as the network sees them in training (augmented unless --no-augment)."""
        imgs = ([D.plain_resize(train.images[i], size) for i in idx] if args.no_augment
                else [D.augment_one(train.images[i], size, cfg, rng) for i in idx])
        return torch.from_numpy(D.to_tensor_batch(imgs, mean, std)).to(device)

    def bn_batches(epoch: int):
        """Augmented training batches, as the network saw them, to re-estimate BN statistics."""
        rng = np.random.default_rng(args.seed * 7919 + epoch)
        order = rng.permutation(len(train))[:max(args.batch_size, args.swa_bn_images)]
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            yield train_batch(idx, rng)

    t_run = time.time()
    out_of_time = False
    bad_epochs = 0
    if history:
        bad_epochs = history[-1].get("bad_epochs", 0)
    for epoch in range(start_epoch, args.epochs):
        if args.stop_after and epoch - start_epoch >= args.stop_after:
            print(f"stopping after {args.stop_after} epoch(s); continue with --out {out} --resume", flush=True)
            break
        if bad_epochs >= args.patience:
            print(f"early stop: no val gain for {bad_epochs} epochs", flush=True)
            break
        model.train()
        rng = np.random.default_rng(args.seed * 1000 + epoch)
        if args.balance == "sampler":
            order = rng.choice(len(train), size=steps_per_epoch * args.batch_size, replace=True,
                               p=D.balanced_weights(train.labels, K))
        else:
            order = rng.permutation(len(train))
            if len(order) < steps_per_epoch * args.batch_size:
                order = np.concatenate([order, rng.permutation(len(train))])
        te = time.time()
        tl, tc, tn = 0.0, 0, 0
        for step in range(steps_per_epoch):
            if budget_s:
                frac = (elapsed0 + time.time() - t_run) / budget_s
                if frac >= 1.0:
                    out_of_time = True
                    break
                for g in opt.param_groups:
                    g["lr"] = lr_at(frac)
            elif args.swa_start > 0:
                for g in opt.param_groups:
                    g["lr"] = lr_at((epoch + step / steps_per_epoch) / args.epochs)
            idx = order[step * args.batch_size:(step + 1) * args.batch_size]
            xb = train_batch(idx, rng)
            yb = torch.from_numpy(train.labels[idx]).to(device)
            logits = model(xb)
            if targets_soft is not None:
                tgt = targets_soft[idx].to(device)
                lsm = F.log_softmax(logits, 1)
                per = -(tgt * lsm).sum(1)
                if class_w is not None:
                    per = per * class_w[yb]
                loss = per.mean()
            else:
                loss = F.cross_entropy(logits, yb, weight=class_w, label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if not budget_s and not args.swa_start:
                sched.step()
            tl += loss.item() * len(idx)
            tc += (logits.argmax(1) == yb).sum().item()
            tn += len(idx)
            if args.log_every and (step + 1) % args.log_every == 0:
                el = time.time() - te
                print(f"  epoch {epoch + 1} step {step + 1}/{steps_per_epoch} loss {tl / tn:.4f} "
                      f"acc {tc / tn:.4f} lr {opt.param_groups[0]['lr']:.4f} {tn / el:.0f} img/s", flush=True)
        if tn == 0:
            print("time budget used up", flush=True)
            break
        train_time = time.time() - te
        va, vb, vat, vbt = evaluate(model)
        metric = max(va, vat)
        entry = {}
        swa_weights = None
        if args.swa_start > 0 and frac_done(epoch) >= args.swa_start:
            swa.update(model)
            averaged = swa.averaged_model(model, lambda: bn_batches(epoch))
            sa, sb, sat, sbt = evaluate(averaged)
            entry = {"swa_n": swa.n, "swa_val_acc": sa, "swa_val_bal_acc": sb,
                     "swa_val_acc_flip": sat, "swa_val_bal_acc_flip": sbt}
            print(f"  SWA average of {swa.n} epochs: val_acc {sa:.4f} (flip-TTA {sat:.4f})", flush=True)
            if max(sa, sat) > metric:
                metric, swa_weights = max(sa, sat), averaged.state_dict()
        improved = metric > best
        if improved:
            best, best_epoch, bad_epochs = metric, epoch, 0
        else:
            bad_epochs += 1
        history.append({"epoch": epoch + 1, "train_loss": tl / tn, "train_acc": tc / tn,
                        "val_acc": va, "val_bal_acc": vb, "val_acc_flip": vat, "val_bal_acc_flip": vbt,
                        "lr": opt.param_groups[0]["lr"], "train_s": train_time, "partial": out_of_time,
                        "epoch_s": time.time() - te, "img_per_s": tn / train_time,
                        "bad_epochs": bad_epochs, **entry})
        save(out / "last.pt", epoch)
        if improved:
            save(out / "best.pt", epoch, swa_weights)
        (out / "history.json").write_text(json.dumps(history, indent=1))
        print(f"epoch {epoch + 1}/{args.epochs} loss {tl / tn:.4f} train_acc {tc / tn:.4f} "
              f"val_acc {va:.4f} (flip-TTA {vat:.4f}) val_bal_acc {vb:.4f} ({vbt:.4f}) "
              f"{time.time() - te:.0f}s {tn / train_time:.0f} img/s{' *best*' if improved else ''}",
              flush=True)
        if out_of_time:
            print(f"time budget of {args.time_budget} min used up", flush=True)
            break
    print(f"done: best val acc {best:.4f} at epoch {best_epoch + 1}; checkpoints in {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
