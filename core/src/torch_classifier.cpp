// The only translation unit that includes LibTorch.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include <dlfcn.h>

#include <spdlog/spdlog.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/cuda.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <caffe2/serialize/inline_container.h>
#include <openssl/evp.h>

#include "emoscope/classifier.hpp"
#include "emoscope/embedder.hpp"
#include "emoscope/file_checks.hpp"

namespace emoscope {
namespace {

Error model_error(const std::string& path, const std::string& what) {
  return {ErrorCode::kModel, "model '" + path + "': " + what};
}

// First line of a c10::Error is the useful part; the rest is a C++ backtrace.
std::string first_line(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

// MODEL_SPEC.md, "Integrity": SHA-256 over the archive's records in name order,
// each as its name, a NUL, its size (8 bytes, little-endian) and its bytes;
// extra/ (which holds the digest itself) and .data/ are left out. The zip's own
// CRCs are not checked by LibTorch, so flipped weight bytes load and run without this.
std::string archive_digest(const std::string& path) {
  caffe2::serialize::PyTorchStreamReader reader(path);
  std::vector<std::string> names = reader.getAllRecords();
  std::sort(names.begin(), names.end());
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("no SHA-256");
  for (const std::string& name : names) {
    if (name.rfind("extra/", 0) == 0 || name.rfind(".data/", 0) == 0) continue;
    auto [data, size] = reader.getRecord(name);
    unsigned char size_le[8];
    for (int i = 0; i < 8; ++i) size_le[i] = static_cast<unsigned char>((static_cast<std::uint64_t>(size) >> (8 * i)) & 0xFF);
    EVP_DigestUpdate(ctx.get(), name.c_str(), name.size() + 1);  // with its NUL
    EVP_DigestUpdate(ctx.get(), size_le, sizeof(size_le));
    EVP_DigestUpdate(ctx.get(), data.get(), size);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

class TorchClassifier final : public Classifier {
 public:
  TorchClassifier(torch::jit::Module module, ModelSpec spec, torch::Device device)
      : module_(std::move(module)), spec_(std::move(spec)), device_(device) {}

  const ModelSpec& spec() const override { return spec_; }

  std::string device_name() const override { return device_.str(); }

  Result<std::vector<Probabilities>> run_model(const Batch& batch) override {
    std::vector<Probabilities> out;
    if (batch.empty()) return out;
    if (batch.c != spec_.channels || batch.h != spec_.height || batch.w != spec_.width) {
      return Error{ErrorCode::kModel, "batch shape does not match the model's input spec"};
    }
    try {
      torch::InferenceMode guard;
      // from_blob borrows the batch's memory: the CPU model reads it inside forward.
      torch::Tensor input = torch::from_blob(const_cast<float*>(batch.data.data()),
                                             {batch.n, batch.c, batch.h, batch.w}, torch::kFloat32);
      if (device_.is_cuda()) input = to_device_via_pinned(input);
      torch::Tensor logits = module_.forward({input}).toTensor();
      torch::Tensor probs = torch::softmax(logits.to(torch::kFloat32), 1).to(torch::kCPU).contiguous();
      const int k = static_cast<int>(probs.size(1));
      if (k != static_cast<int>(spec_.labels.size()) || probs.size(0) != batch.n) {
        return Error{ErrorCode::kModel, "model output shape does not match its labels"};
      }
      const float* p = probs.data_ptr<float>();
      out.reserve(batch.n);
      for (int i = 0; i < batch.n; ++i) out.emplace_back(p + i * k, p + (i + 1) * k);
    } catch (const c10::Error& e) {
      return Error{ErrorCode::kModel, "inference failed: " + first_line(e.what())};
    } catch (const std::exception& e) {
      return Error{ErrorCode::kModel, std::string("inference failed: ") + e.what()};
    }
    return out;
  }

 private:
  // A pageable host buffer would be copied by the driver through a pinned
  // bounce buffer of its own, synchronously; staging in our own pinned buffer
  // allows a direct, asynchronous DMA. Reusing it is safe: classify() ends with
  // a device-to-host copy, which waits for everything queued before it.
  torch::Tensor to_device_via_pinned(const torch::Tensor& host) {
    if (!staging_.defined() || staging_.numel() < host.numel()) {
      staging_ = torch::empty({host.numel()}, torch::TensorOptions().dtype(torch::kFloat32).pinned_memory(true));
    }
    torch::Tensor staged = staging_.narrow(0, 0, host.numel()).view(host.sizes());
    staged.copy_(host);
    return staged.to(device_, /*non_blocking=*/true);
  }

  torch::jit::Module module_;
  ModelSpec spec_;
  torch::Device device_;
  torch::Tensor staging_;  // pinned host memory; CUDA only
};

class TorchEmbedder final : public FaceEmbedder {
 public:
  TorchEmbedder(torch::jit::Module module, ModelSpec spec, torch::Device device)
      : module_(std::move(module)), spec_(std::move(spec)), device_(device) {}

  const ModelSpec& spec() const override { return spec_; }
  std::string device_name() const override { return device_.str(); }

  Result<std::vector<Embedding>> embed(const Batch& batch) override {
    std::vector<Embedding> out;
    if (batch.empty()) return out;
    if (batch.c != spec_.channels || batch.h != spec_.height || batch.w != spec_.width) {
      return Error{ErrorCode::kModel, "chip shape does not match the embedder's input spec"};
    }
    try {
      torch::InferenceMode guard;
      torch::Tensor input = torch::from_blob(const_cast<float*>(batch.data.data()),
                                             {batch.n, batch.c, batch.h, batch.w}, torch::kFloat32);
      if (device_.is_cuda()) input = input.to(device_);
      torch::Tensor d = module_.forward({input}).toTensor().to(torch::kFloat32).to(torch::kCPU).contiguous();
      const int k = spec_.embedding_size;
      if (d.dim() != 2 || d.size(0) != batch.n || d.size(1) != k) {
        return Error{ErrorCode::kModel, "embedder output shape does not match its metadata"};
      }
      const float* p = d.data_ptr<float>();
      out.reserve(batch.n);
      for (int i = 0; i < batch.n; ++i) out.emplace_back(p + i * k, p + (i + 1) * k);
    } catch (const std::exception& e) {  // c10::Error included
      return Error{ErrorCode::kModel, "face embedding failed: " + first_line(e.what())};
    }
    return out;
  }

 private:
  torch::jit::Module module_;
  ModelSpec spec_;
  torch::Device device_;
};

struct LoadedModule {
  torch::jit::Module module;
  ModelSpec spec;
  torch::Device device{torch::kCPU};
};

// Loads, checks (metadata, kind, integrity, output width) and warms up a
// model file; the one loading path for emotion models and face embedders.
Result<LoadedModule> load_module(const std::string& path, const ClassifierOptions& options, ModelKind kind);

}  // namespace

Result<DeviceChoice> parse_device_choice(const std::string& name) {
  if (name == "auto") return DeviceChoice::kAuto;
  if (name == "cpu") return DeviceChoice::kCpu;
  if (name == "cuda") return DeviceChoice::kCuda;
  return Error{ErrorCode::kUsage, "unknown device '" + name + "' (use auto, cpu or cuda)"};
}

bool cuda_available() {
  try {
    return torch::cuda::is_available();
  } catch (const c10::Error&) {
    return false;
  }
}

namespace {

Result<LoadedModule> load_module(const std::string& path, const ClassifierOptions& options, ModelKind kind) {
  // One load at a time: loading sets process-wide state (the intra-op thread
  // count, BLAS threads, oneDNN's caches while freezing), and a batch's
  // workers load their models at the same moment.
  static std::mutex load_mutex;
  std::lock_guard<std::mutex> one_at_a_time(load_mutex);
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return model_error(path, "file not found");
  if (fs::is_directory(path, ec)) return model_error(path, "is a folder, not a model file");
  if (MaybeError s = check_input_file(path, ErrorCode::kModel)) return model_error(path, "not a regular file (FIFO or device?)");

  const bool has_cuda = cuda_available();
  if (options.device == DeviceChoice::kCuda && !has_cuda) {
    return about(Setting::kDevice, model_error(path, "CUDA asked for, but this LibTorch build or machine has no CUDA"));
  }
  const torch::Device device = (options.device == DeviceChoice::kCpu || !has_cuda)
                                   ? torch::Device(torch::kCPU)
                                   : torch::Device(torch::kCUDA, 0);
  if (device.is_cuda()) {
    // Full fp32 convolutions, as on the CPU: TF32 (LibTorch's default for cuDNN
    // on Ampere and newer) keeps 10 mantissa bits, which can move probabilities
    // by more than the 1e-4 CPU-vs-CUDA agreement scripts/gpu-check.sh checks
    // (it prints the difference with TF32 as well).
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int threads = options.threads > 0 ? options.threads : std::max(1, cores / 2);
  if (threads > cores) {  // more would only add contention (and thousands of threads)
    spdlog::warn("{} inference threads asked for; using {}, the number of cores", threads, cores);
    threads = cores;
  }
  at::set_num_threads(threads);
  // OpenBLAS sizes its own pool from OPENBLAS_NUM_THREADS when the library
  // loads, before main(); match it to ours so the two do not oversubscribe.
  using SetThreads = void (*)(int);
  if (auto set_blas_threads = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_blas_threads(threads);
  }

  torch::jit::ExtraFilesMap extra{{"emoscope.json", ""}};
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, device, extra);
  } catch (const c10::Error& e) {
    return model_error(path, "not a TorchScript model (" + first_line(e.what()) + ")");
  } catch (const std::exception& e) {
    return model_error(path, std::string("cannot be loaded (") + e.what() + ")");
  }
  if (extra["emoscope.json"].empty()) {
    return model_error(path, "has no embedded emoscope.json metadata (see models/MODEL_SPEC.md)");
  }
  Result<ModelSpec> spec = parse_model_spec(extra["emoscope.json"]);
  if (!spec) return model_error(path, spec.error().message);
  if (spec->kind != kind) {
    return model_error(path, kind == ModelKind::kEmotion
                                 ? "is a face-embedding model, not an emotion model"
                                 : "is an emotion model, not a face-embedding model");
  }
  const bool embedder = kind == ModelKind::kFaceEmbedder;
  const long width = embedder ? spec->embedding_size : static_cast<long>(spec->labels.size());
  if (spec->weights_sha256.empty()) {
    spdlog::warn("model '{}' has no weights_sha256 (exported before it existed): its integrity is not checked", path);
  } else {
    std::string actual;
    try {
      actual = archive_digest(path);
    } catch (const std::exception& e) {
      return model_error(path, std::string("model file is corrupt (") + first_line(e.what()) + ")");
    }
    if (actual != spec->weights_sha256) {
      return model_error(path, "model file is corrupt: its weights do not match the SHA-256 in its metadata");
    }
  }

  try {
    module.eval();
    if (options.optimize) {
      module = torch::jit::freeze(module);
      torch::jit::optimize_for_inference(module);
    }
    // Validate the output width against the labels with a dummy batch.
    torch::InferenceMode guard;
    torch::Tensor dummy = torch::zeros({2, spec->channels, spec->height, spec->width},
                                       torch::TensorOptions().dtype(torch::kFloat32).device(device));
    torch::jit::IValue out = module.forward({dummy});
    if (!out.isTensor()) return model_error(path, "forward() does not return a tensor");
    const torch::Tensor logits = out.toTensor();
    if (logits.dim() != 2 || logits.size(0) != 2) {
      return model_error(path, embedder ? "forward() must return [N, D] descriptors" : "forward() must return [N, K] logits");
    }
    if (logits.size(1) != width) {
      return model_error(path, "output width " + std::to_string(logits.size(1)) + " differs from " +
                                   std::to_string(width) + (embedder ? " (embedding.size in its metadata)"
                                                                     : " labels in its metadata"));
    }
    // The first forward pass at each batch size costs 1.5-2x a later one (the
    // executor specialises per shape): pay it now for the sizes a few faces
    // give, not on the first frames of a live feed, where it drops frames.
    for (int n : {1, 3, 4}) {
      module.forward({torch::zeros({n, spec->channels, spec->height, spec->width},
                                   torch::TensorOptions().dtype(torch::kFloat32).device(device))});
    }
  } catch (const c10::Error& e) {
    return model_error(path, "does not accept the input its metadata describes (" +
                                 first_line(e.what()) + ")");
  } catch (const std::exception& e) {  // TorchScript interpreter errors are not all c10::Error
    return model_error(path, "does not accept the input its metadata describes (" +
                                 first_line(e.what()) + ")");
  }
  spdlog::info("loaded model '{}' v{} ({} {}) on {} with {} threads", spec->name, spec->version, width,
               embedder ? "dimensions" : "labels", device.str(), threads);
  return LoadedModule{std::move(module), std::move(spec).value(), device};
}

}  // namespace

Result<std::unique_ptr<Classifier>> load_classifier(const std::string& path, const ClassifierOptions& options) {
  Result<LoadedModule> m = load_module(path, options, ModelKind::kEmotion);
  if (!m) return m.error();
  auto classifier = std::make_unique<TorchClassifier>(std::move(m->module), std::move(m->spec), m->device);
  classifier->set_neutral_prior(options.neutral_prior);
  return std::unique_ptr<Classifier>(std::move(classifier));
}

Result<std::unique_ptr<FaceEmbedder>> load_embedder(const std::string& path, const ClassifierOptions& options) {
  Result<LoadedModule> m = load_module(path, options, ModelKind::kFaceEmbedder);
  if (!m) return m.error();
  return std::unique_ptr<FaceEmbedder>(std::make_unique<TorchEmbedder>(std::move(m->module), std::move(m->spec), m->device));
}

}  // namespace emoscope
