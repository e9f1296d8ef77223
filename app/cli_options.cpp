// emoscope-cli's options, bound to CliOptions (RunOptions for the run's settings).
#include <cmath>

#include <CLI/CLI.hpp>

#include "cli_commands.hpp"
#include "emoscope/resources.hpp"
#include "emoscope/run_options.hpp"

namespace emoscope::cli {
namespace {

// CLI11's Range lets NaN through (every comparison with NaN is false).
const CLI::Validator kFinite(
    [](std::string& text) -> std::string {
      try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used != text.size()) return "'" + text + "' is not a number";
        return std::isfinite(v) ? std::string() : "'" + text + "' is not a finite number";
      } catch (const std::exception&) {
        return "'" + text + "' is not a number";
      }
    },
    "FINITE");

// core's range for a setting (run_options.hpp), as a CLI11 check.
template <typename T>
CLI::Range in(const Limits<T>& limits) {
  return CLI::Range(limits.min, limits.max);
}

// An option parsed by core's parse_* into `target` (which keeps its default unless given).
template <typename T, typename Parse>
CLI::Option* add_parsed(CLI::App* cmd, const std::string& name, T& target, Parse parse, const std::string& help) {
  return cmd->add_option_function<std::string>(
      name,
      [&target, parse, name](const std::string& text) {
        auto value = parse(text);
        if (!value) throw CLI::ValidationError(name, value.error().message);
        target = value.value();
      },
      help);
}

void add_model_options(CLI::App* cmd, RunOptions& run) {
  cmd->add_option("--model", run.model_path,
                  std::string("TorchScript model with emoscope.json metadata (default: $EMOSCOPE_MODEL, else the "
                              "shipped models/") + kDefaultModelFile + ")");
  add_parsed(cmd, "--device", run.classifier.device, parse_device_choice, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--neutral-prior", run.classifier.neutral_prior,
                  "prior shift: neutral faces are assumed this many times as common as in the model's training "
                  "data (1 = as trained; 0.5 = a face needs twice the evidence to read neutral)")
      ->check(kFinite)
      ->check(in(limits::kNeutralPrior));
  cmd->add_option("--threads", run.classifier.threads,
                  "inference threads (0 = half the cores for videos, all for images)")
      ->check(CLI::NonNegativeNumber);  // large counts are capped to the cores (classifier.hpp)
}

void add_detector_options(CLI::App* cmd, RunOptions& run) {
  add_parsed(cmd, "--detector", run.detector.kind, parse_detector_kind, "face detector: yunet (default), haar or ssd");
  cmd->add_option("--detector-model", run.detector.model_path,
                  "detector model file (YuNet .onnx, default: the shipped one; Haar XML, default: opencv-data's; "
                  "SSD .pb, required)");
  cmd->add_option("--detector-config", run.detector.config_path, "SSD .pbtxt (default: beside the .pb)");
  cmd->add_option("--detect-width", run.detector.detect_width, "detect on frames downscaled to this width (px)")
      ->check(in(limits::kDetectWidth));
  cmd->add_option("--min-face", run.detector.min_face_fraction,
                  "minimum face size as a fraction of the frame's shorter side")
      ->check(kFinite)
      ->check(in(limits::kMinFace));
}

void add_stream_options(CLI::App* cmd, RunOptions& run) {
  cmd->add_option("--detect-every", run.pipeline.detect_every,
                  "run the detector at least every N frames; boxes are carried between (motion forces a detection)")
      ->check(in(limits::kDetectEvery));
  cmd->add_option("--motion-threshold", run.pipeline.motion_threshold,
                  "mean grey-level change (0..255) between frames that forces a detection before --detect-every "
                  "frames have passed (0 = off)")
      ->check(kFinite)
      ->check(in(limits::kMotionThreshold));
  cmd->add_option("--smoothing", run.pipeline.tracker.smoothing_ms,
                  "per-face probability smoothing time constant, ms (0 = off)")
      ->check(kFinite)
      ->check(in(limits::kSmoothingMs));
  cmd->add_option("--track-gap", run.pipeline.tracker.max_gap_ms,
                  "a face unseen this long (ms) gets a new ID when it returns")
      ->check(kFinite)
      ->check(in(limits::kTrackGapMs));
  cmd->add_option("--classify-interval", run.pipeline.tracker.classify_interval_ms,
                  "classify a tracked face again after this many ms; it keeps its smoothed probabilities in between "
                  "(0 = every frame)")
      ->check(kFinite)
      ->check(in(limits::kClassifyIntervalMs));
  cmd->add_option("--batch-frames", run.pipeline.batch_frames,
                  "file analysis: classify the faces of up to N waiting frames in one forward pass")
      ->check(in(limits::kBatchFrames));
}

void add_identity_options(CLI::App* cmd, RunOptions& run) {
  cmd->add_flag("!--no-identities", run.identity.enabled,
                "no people: faces are tracks only (person_id empty), no face descriptors computed");
  cmd->add_option("--embedder", run.identity.model_path,
                  std::string("face-embedding model for identities (default: the shipped models/") +
                      kEmbedderModelFile + "; " + kDlibEmbedderModelFile + ", also shipped, is dlib's: see docs/people.md)");
  cmd->add_option("--identity-threshold", run.identity.threshold,
                  "the most the join distance between face descriptors may grow to in a run (0 = the embedder's own, from its card)")
      ->check(kFinite)
      ->check(in(limits::kIdentityThreshold));
  cmd->add_option("--identity-interval", run.pipeline.tracker.identity_interval_ms,
                  "check a tracked face's identity again after this many ms (besides after gaps and cuts)")
      ->check(kFinite)
      ->check(in(limits::kIdentityIntervalMs));
  cmd->add_option("--scene-cut", run.pipeline.scene_cut_threshold,
                  "mean grey-level change (0..255) from the frame before that counts as a scene cut: every face "
                  "is detected afresh and its identity checked (0 = off)")
      ->check(kFinite)
      ->check(in(limits::kSceneCut));
  cmd->add_option("--people-gallery", run.identity.gallery_path,
                  "known people (a file made by 'emoscope-cli people add'): their names label matching faces");
}

CLI::Option* add_codec_option(CLI::App* cmd, OutputOptions& output, const std::string& what) {
  return add_parsed(cmd, "--video-codec", output.video_codec, parse_video_codec,
                    "codec of the " + what + " video: h264 (default) or mjpeg")
      ->check(CLI::IsMember({"h264", "mjpeg"}));
}

}  // namespace

CliCommands add_cli_options(CLI::App& app, CliOptions& o) {
  RunOptions& run = o.run;
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-file", o.log_file, "also write the log to this file (appended, created 0600)");
  app.add_option("--max-pixels", o.max_megapixels,
                 "refuse images and video frames larger than this many megapixels (default 100)")
      ->check(kFinite)
      ->check(CLI::Range(0.001, 10000.0));

  CliCommands c{};
  c.predict = app.add_subcommand("predict", "Faces and emotions in images; one JSON line per image");
  add_model_options(c.predict, run);
  add_detector_options(c.predict, run);
  c.predict->add_flag("--whole-image", o.predict.whole_image,
                      "treat each image as one pre-cropped face (FER2013 style)");
  c.predict->add_option("inputs", o.predict.inputs, "image files or folders")->required();
  c.predict->add_flag("--people", o.predict.people,
                      "group the faces of all the images into people: each face gets a person_id, the same for "
                      "one person in every image (face descriptors stay in memory)");
  c.predict->add_option("--people-gallery", run.identity.gallery_path,
                        "with --people: known people (made by 'emoscope-cli people add') name matching faces");
  c.predict->add_option("--embedder", run.identity.model_path,
                        std::string("with --people: face-embedding model (default: the shipped models/") +
                            kEmbedderModelFile + "; or the shipped " + kDlibEmbedderModelFile + ")");

  c.analyze = app.add_subcommand("analyze",
                                 "Every frame of a video (or every image of a folder): annotated video, per-face CSV, "
                                 "JSON summary (formats: docs/output-formats.md)");
  CLI::App* a = c.analyze;
  OutputOptions& ao = o.analyze.output;
  add_model_options(a, run);
  add_detector_options(a, run);
  add_stream_options(a, run);
  add_identity_options(a, run);
  a->add_option("input", run.source, "video file, image or folder of images")->required();
  a->add_option("--out-video", ao.video_path,
                "annotated video, with the source's audio: .mp4 (fragmented MP4) or .mkv (Matroska); "
                "either stays playable if the run is killed");
  add_codec_option(a, ao, "annotated");
  a->add_option("--csv", ao.csv_path, "per-frame, per-face CSV ('-' = standard output)");
  a->add_option("--summary", ao.summary_path,
                "JSON summary: run header and per-face figures ('-' = standard output)");
  a->add_option("--every", run.pipeline.analyze_every, "analyse every Nth frame")->check(in(limits::kAnalyzeEvery));
  a->add_flag("--hud", ao.hud, "draw FPS/latency/device on the annotated video");
  a->add_flag("--force", ao.replace_existing, "replace output files that exist (refused otherwise)");

  c.eval = app.add_subcommand("eval", "Accuracy on a folder with one sub-folder per class");
  CLI::App* e = c.eval;
  add_model_options(e, run);
  add_detector_options(e, run);
  e->add_option("dir", o.eval.dir,
                "folder of class folders (named after the model's labels unless --labels ferplus)")
      ->required();
  e->add_flag("--whole-image", o.eval.whole_image, "images are pre-cropped faces (FER2013 style)");
  e->add_flag("--json", o.eval.json, "print JSON instead of text");
  e->add_option("--batch", o.eval.batch, "images per inference batch")->check(CLI::Range(1, 512));
  e->add_option("--labels", o.eval.labels,
                "truth per image: folders (the sub-folder's name) or ferplus (FER+ majority from --votes; "
                "images in every sub-folder)")
      ->check(CLI::IsMember({"folders", "ferplus"}));
  e->add_option("--votes", o.eval.votes,
                "FER+ votes CSV for --labels ferplus (default: DIR/../ferplus_votes.csv); "
                "its paths are relative to its folder");
  e->add_option("--classes", o.eval.classes,
                "score only these model labels, comma-separated (prediction = argmax over them)")
      ->delimiter(',');

  c.bench = app.add_subcommand("bench", "Speed per stage as JSON (FPS, p50/p95 ms)");
  CLI::App* b = c.bench;
  add_model_options(b, run);
  add_detector_options(b, run);
  add_stream_options(b, run);
  add_identity_options(b, run);
  b->add_option("--source", run.source, "video file, or camera / camera:N")->required();
  b->add_option("--frames", o.bench.frames, "stop after N frames (0 = whole source)")->check(CLI::NonNegativeNumber);
  b->add_flag("--live", run.live, "live mode: newest frame only, paced at the source's rate");

  c.live = app.add_subcommand("live", "Live analysis of a camera (or a video played in real time)");
  CLI::App* l = c.live;
  OutputOptions& lo = o.live.output;
  add_model_options(l, run);
  add_detector_options(l, run);
  add_stream_options(l, run);
  add_identity_options(l, run);
  l->add_option("--source", run.source, "camera, camera:N, /dev/videoN or a video file");
  l->add_option("--record", o.live.record_dir,
                "record annotated video, CSV and summary into this folder (session-YYYYMMDD-HHMMSS.*, never "
                "replacing a recording)");
  add_codec_option(l, lo, "recorded");
  l->add_option("--csv", lo.csv_path, "per-frame, per-face CSV ('-' = standard output)");
  l->add_option("--summary", lo.summary_path, "JSON summary, written at the end ('-' = standard output)");
  l->add_flag("--force", lo.replace_existing, "replace --csv / --summary files that exist (refused otherwise)");
  l->add_option("--seconds", o.live.seconds, "stop after this many seconds (0 = until Ctrl+C)")
      ->check(kFinite)
      ->check(CLI::NonNegativeNumber);
  c.batch = app.add_subcommand("batch",
                               "Many videos and images into one folder, one sub-folder each (frames.csv, summary.json); "
                               "resumable, and shardable over a Slurm array or other processes (docs/batch.md)");
  CLI::App* bt = c.batch;
  BatchCliOptions& bo = o.batch;
  add_model_options(bt, run);
  add_detector_options(bt, run);
  add_stream_options(bt, run);
  add_identity_options(bt, run);
  bt->add_option("inputs", bo.inputs, "videos, images, or folders (walked for both)");
  bt->add_option("--list", bo.list, "a file with one input path per line (blank and # lines skipped)");
  bt->add_option("--out", bo.out, "output folder: one sub-folder per input, and manifest-<shard>.jsonl")->required();
  bt->add_option("--every", run.pipeline.analyze_every, "analyse every Nth frame")->check(in(limits::kAnalyzeEvery));
  bt->add_flag("--video", bo.video, "also write each input's annotated video (annotated.mkv)");
  add_codec_option(bt, bo.output, "annotated");
  bt->add_flag("--hud", bo.output.hud, "draw FPS/latency/device on the annotated videos");
  bt->add_flag("--force", bo.force, "analyse again the inputs that are finished (skipped otherwise)");
  bt->add_option("--jobs", bo.jobs, "inputs analysed at once (0 = the default for this machine's cores)")
      ->check(CLI::Range(0, 64));
  bt->add_option("--shard", bo.shard,
                 "this process's share I/N of the sorted inputs (default: from a Slurm array task or "
                 "JOB_COMPLETION_INDEX; else all)");
  bt->add_option("--shards", bo.shards, "number of shards: with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)")
      ->check(CLI::Range(1, 1000000));

  c.merge = app.add_subcommand("merge",
                               "Join a batch folder's results (every shard) into people.csv and inputs.csv "
                               "(docs/output-formats.md); analyses nothing");
  c.merge->add_option("dir", o.merge.dir, "the folder given to batch --out")->required();

  c.report = app.add_subcommand("report",
                                "One self-contained HTML report (charts, thumbnails and data inside; opens offline in "
                                "any browser, prints to PDF) of a run's summary JSON or of a batch folder (docs/report.md)");
  ReportCliOptions& ro = o.report;
  c.report->add_option("input", ro.input,
                       "a run's summary JSON (its CSV and video are found beside it) or a batch --out folder")
      ->required();
  c.report->add_option("--out", ro.out, "the HTML file to write")->required();
  c.report->add_option("--csv", ro.csv, "a run's frames CSV (default: <summary stem>.csv or frames.csv beside it)");
  c.report->add_option("--video", ro.video,
                       "the analysed video, for thumbnails (default: the summary's source, else beside the summary)");
  c.report->add_flag("--no-thumbnails", ro.no_thumbnails, "no faces cut from the video (a smaller, faster report)");
  c.report->add_flag("--each-input", ro.each_input,
                     "a batch folder: also write each finished input's own report beside its summary "
                     "(summary.report.html), linked from the study's table");
  c.report->add_flag("--force", ro.force, "replace the output files that exist (refused otherwise)");

  c.people = app.add_subcommand("people",
                                "Known people, to name them in later runs (--people-gallery). Their face descriptors "
                                "are biometric data: kept in one file on this machine, user-only (0600)");
  c.people->require_subcommand(1);
  c.people->add_option("--gallery", o.people.gallery,
                       "the gallery file (default: $XDG_DATA_HOME/emoscope/people.json, else "
                       "~/.local/share/emoscope/people.json)");
  add_detector_options(c.people, run);
  c.people->add_option("--embedder", run.identity.model_path,
                       std::string("face-embedding model (default: the shipped ") + kEmbedderModelFile + "; " + kDlibEmbedderModelFile + ": the other shipped one); a gallery works only with the embedder it was made with");
  c.people_add = c.people->add_subcommand("add", "Add a person (or more photos of one) from photos with their face");
  c.people_add->add_option("name", o.people.name, "the person's name")->required();
  c.people_add->add_option("photos", o.people.photos, "photos of the person (the largest face of each is used)")
      ->required();
  c.people_list = c.people->add_subcommand("list", "The people in the gallery");
  c.people_remove = c.people->add_subcommand("remove", "Remove a person and their face descriptors");
  c.people_remove->add_option("name", o.people.name, "the person's name")->required();
  return c;
}

}  // namespace emoscope::cli
