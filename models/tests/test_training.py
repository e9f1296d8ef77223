import dataclasses
import json

import numpy as np
import pytest
import torch

import export
import train
from emoscope_model import data as D


def test_train_one_epoch_writes_checkpoints(trained_run):
    for f in ("last.pt", "best.pt", "history.json"):
        assert (trained_run / f).is_file(), f
    hist = json.loads((trained_run / "history.json").read_text())
    assert len(hist) == 1 and 0.0 <= hist[0]["val_acc"] <= 1.0
    ck = torch.load(trained_run / "last.pt", map_location="cpu")
    assert ck["config"]["labels"] == ["a", "b"] and ck["epoch"] == 0


def test_resume_continues(trained_run, tiny_data, tmp_path):
    import shutil
    out = tmp_path / "run"
    shutil.copytree(trained_run, out)
    rc = train.main(["--out", str(out), "--resume", "--log-every", "0"])
    assert rc == 0
    hist = json.loads((out / "history.json").read_text())
    assert [h["epoch"] for h in hist] == [1, 2]
    started = torch.load(trained_run / "last.pt", map_location="cpu")["config"]["command"]
    assert "--resume" not in started
    assert torch.load(out / "last.pt", map_location="cpu")["config"]["command"] == started


def test_export_reload_same_metadata_and_outputs(trained_run, tmp_path):
    pt = tmp_path / "tiny.pt"
    assert export.main([str(trained_run / "best.pt"), str(pt), "--margin", "0.05", "--name", "tiny"]) == 0
    m, meta = export.load_model(pt)
    assert meta["format"] == "emoscope-model/1"
    assert meta["name"] == "tiny" and meta["labels"] == ["a", "b"]
    assert meta["input"] == {"channels": 1, "height": 48, "width": 48, "mean": [0.5], "std": [0.25]}
    assert meta["crop"] == {"margin": 0.05, "square": True}
    assert isinstance(meta["version"], str) and meta["architecture"] and meta["trained_on"]
    assert "validation" in meta["metrics"] and "test" in meta["metrics"]
    # a second reload gives identical outputs for N = 1 and N = 64
    m2, meta2 = export.load_model(pt)
    assert meta2 == meta
    for n in (1, 64):
        x = torch.randn(n, 1, 48, 48)
        with torch.no_grad():
            a, b = m(x), m2(x)
        assert a.shape == (n, 2)
        assert torch.equal(a, b)
    # the saved forward equals the checkpoint network (with or without flip TTA)
    from emoscope_model.net import EmoscopeAlexNet, FlipTTA
    ck = torch.load(trained_run / "best.pt", map_location="cpu")
    net = EmoscopeAlexNet(2, 1, tuple(ck["config"]["width"]), ck["config"]["fc"])
    net.load_state_dict(ck["model"])
    net.eval()
    ref = FlipTTA(net) if meta["metrics"]["flip_tta"] else net
    x = torch.randn(4, 1, 48, 48)
    with torch.no_grad():
        assert torch.allclose(m(x), ref(x) / meta["metrics"]["temperature"], atol=1e-5)


def test_missing_data_folder_is_a_clear_error(tmp_path, capsys):
    rc = train.main(["--data", str(tmp_path / "nope"), "--classes", "a,b", "--out", str(tmp_path / "r")])
    assert rc == 2
    assert "does not exist" in capsys.readouterr().err


def test_empty_data_folder_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    rc = train.main(["--data", str(tmp_path / "empty"), "--classes", "a,b", "--out", str(tmp_path / "r")])
    assert rc == 2
    assert "empty" in capsys.readouterr().err
    (tmp_path / "empty2" / "train").mkdir(parents=True)
    with pytest.raises(D.DataError, match="empty"):
        D.load_any(str(tmp_path / "empty2"), "train", "a,b")


def test_unknown_class_is_a_clear_error(tiny_data, tmp_path, capsys):
    rc = train.main(["--data", str(tiny_data), "--classes", "a,zebra", "--out", str(tmp_path / "r")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "zebra" in err and "unknown class" in err
    with pytest.raises(D.DataError, match="unknown class"):
        D.load_fer2013("train", "happy,zebra", root=tmp_path / "no-fer2013")   # named before the folder is looked for


def test_empty_class_folder(tmp_path):
    (tmp_path / "d" / "train" / "a").mkdir(parents=True)
    (tmp_path / "d" / "train" / "b").mkdir(parents=True)
    with pytest.raises(D.DataError, match="no images"):
        D.load_any(str(tmp_path / "d"), "train", "a,b")


def test_class_folders_without_splits_hold_out_val(tmp_path):
    from conftest import write_dataset
    root = write_dataset(tmp_path / "flat", counts={"all": 20}, splits=False, size=64)
    tr = D.load_any(str(root), "train", "a,b", size=(48, 48), val_fraction=0.2)
    va = D.load_any(str(root), "val", "a,b", size=(48, 48), val_fraction=0.2)
    assert len(tr) == 32 and len(va) == 8
    assert not set(tr.paths) & set(va.paths)
    assert tr.images.shape[1:] == (48, 48)


def test_class_mapping_merges_folders(tiny_data):
    ds = D.load_any(str(tiny_data), "val", ["both=a+b"])
    assert ds.classes == ["both"] and len(ds) == 24 and set(ds.labels.tolist()) == {0}


def test_augment_shapes_and_determinism():
    img = (np.arange(48 * 48) % 251).astype(np.uint8).reshape(48, 48)
    cfg = D.AugmentConfig()
    a = [D.augment_one(img, (48, 48), cfg, np.random.default_rng(3)) for _ in range(2)]
    assert a[0].shape == (48, 48) and a[0].dtype == np.uint8
    assert np.array_equal(a[0], a[1])
    assert D.augment_one(img, (64, 64), cfg, np.random.default_rng(4)).shape == (64, 64)


def test_augment_strength_scales_towards_the_plain_image():
    img = (np.arange(48 * 48) % 251).astype(np.uint8).reshape(48, 48)
    full = D.AugmentConfig()
    assert full.scaled(1.0) == full
    half = full.scaled(0.5)
    assert half.rotate == pytest.approx(6.0) and half.erase_p == pytest.approx(0.125)
    assert half.scale[0] == pytest.approx(0.85 ** 0.5) and half.scale[1] == pytest.approx(1.2 ** 0.5)
    rng = np.random.default_rng(5)
    for _ in range(8):   # strength 0 leaves only the flip
        out = D.augment_one(img, (48, 48), full.scaled(0.0), rng)
        assert np.array_equal(out, img) or np.array_equal(out, img[:, ::-1])
    diff = lambda cfg: np.mean([np.abs(D.augment_one(img, (48, 48), cfg, np.random.default_rng(s)).astype(int)
                                       - img).mean() for s in range(20)])
    no_flip = dataclasses.replace(full, hflip=False)
    assert 0 < diff(no_flip.scaled(0.25)) < diff(no_flip)

def test_time_budget_stops_training(tiny_data, tmp_path):
    out = tmp_path / "tb"
    rc = train.main(["--data", str(tiny_data), "--classes", "a,b", "--epochs", "500", "--out", str(out),
                     "--width", "4,4,4,4,4", "--fc", "8", "--batch-size", "32", "--log-every", "0",
                     "--time-budget", "0.03", "--patience", "1000"])
    assert rc == 0
    hist = json.loads((out / "history.json").read_text())
    assert 1 <= len(hist) < 500 and hist[-1]["lr"] < 0.05


def test_swa_average_is_the_mean_of_snapshots_with_fresh_bn_statistics():
    from emoscope_model.net import EmoscopeAlexNet
    torch.manual_seed(0)
    nets = [EmoscopeAlexNet(2, 1, (4, 4, 4, 4, 4), 8) for _ in range(3)]
    swa = train.SwaAverage()
    for n in nets:
        swa.update(n)
    assert swa.n == 3
    batches = [torch.randn(16, 1, 48, 48) * 2 + 1 for _ in range(3)]
    avg = swa.averaged_model(nets[0], lambda: iter(batches))
    sd = avg.state_dict()
    w = "features.0.weight"
    assert torch.allclose(sd[w], sum(n.state_dict()[w] for n in nets) / 3, atol=1e-6)
    # the first BN's statistics are those of the averaged first conv on all the batches
    with torch.no_grad():
        y = torch.cat([avg.features[0](b) for b in batches])
    bn = avg.features[1]
    assert torch.allclose(bn.running_mean, y.mean((0, 2, 3)), atol=1e-4)
    assert bn.momentum == nets[0].features[1].momentum and not avg.training
    assert not torch.equal(sd[w], nets[0].state_dict()[w])   # the model passed in is left alone


def test_swa_run_schedule_export_and_resume(tiny_data, tmp_path):
    out = tmp_path / "swa"
    args = ["--data", str(tiny_data), "--classes", "a,b", "--epochs", "4", "--out", str(out),
            "--width", "4,4,4,4,4", "--fc", "8", "--batch-size", "16", "--log-every", "0",
            "--lr", "0.02", "--swa-start", "0.5", "--swa-lr", "0.004", "--swa-bn-images", "32",
            "--patience", "100", "--stop-after", "3"]
    assert train.main(args) == 0
    hist = json.loads((out / "history.json").read_text())
    assert [h.get("swa_n") for h in hist] == [None, 1, 2]
    assert hist[2]["lr"] == pytest.approx(0.004) and hist[0]["lr"] > 0.004
    assert train.main(["--out", str(out), "--resume", "--log-every", "0"]) == 0
    hist = json.loads((out / "history.json").read_text())
    assert [h.get("swa_n") for h in hist] == [None, 1, 2, 3]   # the average survived the resume
    ck = torch.load(out / "best.pt", map_location="cpu")
    assert ck["weights"] in ("swa", "model")
    pt = tmp_path / "swa.pt"
    assert export.main([str(out / "best.pt"), str(pt), "--name", "swa"]) == 0
    _, meta = export.load_model(pt)
    assert ("stochastic weight averaging" in meta["architecture"]) == (ck["weights"] == "swa")


def test_init_from_an_exported_model_takes_its_network_weights(trained_run, tmp_path):
    """--init accepts a shipped .pt (TorchScript with flip-TTA / temperature wrappers)."""
    pt = tmp_path / "tiny.pt"
    assert export.main([str(trained_run / "best.pt"), str(pt), "--tta", "on"]) == 0
    weights = train.load_init_weights(str(pt))
    ck = torch.load(trained_run / "best.pt", map_location="cpu")["model"]
    assert set(weights) == set(ck)
    for k, v in ck.items():
        assert torch.equal(weights[k], v), k
    assert set(train.load_init_weights(str(trained_run / "best.pt"))) == set(ck)


def test_export_seals_the_weights_and_a_flipped_byte_breaks_the_seal(trained_run, tmp_path):
    pt = tmp_path / "sealed.pt"
    assert export.main([str(trained_run / "best.pt"), str(pt), "--name", "sealed", "--no-metrics"]) == 0
    _, meta = export.load_model(pt)
    assert len(meta["weights_sha256"]) == 64
    assert export.archive_digest(pt) == meta["weights_sha256"]
    import zipfile
    with zipfile.ZipFile(pt) as z:   # flip a byte inside the largest weight record, stored uncompressed
        info = max((i for i in z.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    data = bytearray(pt.read_bytes())
    with open(pt, "rb") as f:
        f.seek(info.header_offset + 26)
        skip = int.from_bytes(f.read(2), "little") + int.from_bytes(f.read(2), "little")
    data[info.header_offset + 30 + skip + info.file_size // 2] ^= 0x01
    flipped = tmp_path / "flipped.pt"
    flipped.write_bytes(bytes(data))
    try:   # Python's zipfile checks the CRC (LibTorch does not: the app relies on the digest)
        digest = export.archive_digest(flipped)
    except zipfile.BadZipFile:
        digest = None
    assert digest != meta["weights_sha256"]


def test_temperature_fitted_for_ece_has_lower_ece_than_for_nll():
    from emoscope_model.metrics import ece_bins
    from emoscope_model.net import fit_temperature
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 3, (3000,), generator=g)
    # over-confident logits with label noise: NLL and ECE prefer different temperatures
    logits = torch.randn(3000, 3, generator=g) * 2
    logits[torch.arange(3000), labels] += 3
    noisy = labels.clone()
    flip = torch.rand(3000, generator=g) < 0.2
    noisy[flip] = torch.randint(0, 3, (int(flip.sum()),), generator=g)

    def ece(t):
        p = torch.softmax(logits / t, 1)
        conf, pred = p.max(1)
        return ece_bins(conf.double().numpy(), (pred == noisy).double().numpy())[0]
    t_nll, t_ece = fit_temperature(logits, noisy, "nll"), fit_temperature(logits, noisy, "ece")
    assert ece(t_ece) < ece(t_nll) and ece(t_ece) < 0.03
    with pytest.raises(ValueError):
        fit_temperature(logits, noisy, "brier")


def test_distillation_targets_from_a_teacher(trained_run, tiny_data, tmp_path, capsys):
    import make_teacher
    pt = tmp_path / "teacher.pt"
    assert export.main([str(trained_run / "best.pt"), str(pt), "--name", "teacher", "--no-metrics"]) == 0
    npz = tmp_path / "teacher.npz"
    assert make_teacher.main([str(npz), str(pt), "--data", str(tiny_data), "--threads", "1"]) == 0
    t = np.load(npz)
    train_set = D.load_any(str(tiny_data), "train", "a,b", size=(48, 48))
    assert sorted(t["paths"]) == sorted(train_set.paths) and list(t["labels"]) == ["a", "b"]
    assert np.allclose(t["probs"].sum(1), 1, atol=1e-5)
    common = ["--data", str(tiny_data), "--classes", "a,b", "--epochs", "1", "--width", "8,8,16,16,16",
              "--fc", "16", "--batch-size", "16", "--log-every", "0", "--threads", "1"]
    assert train.main(common + ["--out", str(tmp_path / "run"), "--teacher", str(npz),
                                "--teacher-weight", "0.3"]) == 0
    assert "targets: 0.7 x data + 0.3 x teacher" in capsys.readouterr().out
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, paths=t["paths"], probs=t["probs"], labels=np.array(["b", "a"]))
    assert train.main(common + ["--out", str(tmp_path / "run2"), "--teacher", str(wrong)]) == 2
    assert "the teacher's labels" in capsys.readouterr().err
    short = tmp_path / "short.npz"
    np.savez(short, paths=t["paths"][1:], probs=t["probs"][1:], labels=t["labels"])
    assert train.main(common + ["--out", str(tmp_path / "run3"), "--teacher", str(short)]) == 2
    assert "no target for 1 training image" in capsys.readouterr().err
