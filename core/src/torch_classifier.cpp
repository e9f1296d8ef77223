// The only translation unit that includes LibTorch.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <dlfcn.h>

#include <spdlog/spdlog.h>
#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/cuda.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>

#include "emoscope/classifier.hpp"

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

class TorchClassifier final : public Classifier {
 public:
  TorchClassifier(torch::jit::Module module, ModelSpec spec, torch::Device device)
      : module_(std::move(module)), spec_(std::move(spec)), device_(device) {}

  const ModelSpec& spec() const override { return spec_; }

  std::string device_name() const override { return device_.str(); }

  Result<std::vector<Probabilities>> classify(const Batch& batch) override {
    std::vector<Probabilities> out;
    if (batch.empty()) return out;
    if (batch.c != spec_.channels || batch.h != spec_.height || batch.w != spec_.width) {
      return Error{ErrorCode::kModel, "batch shape does not match the model's input spec"};
    }
    try {
      torch::InferenceMode guard;
      // from_blob borrows the batch's memory; the copy to the device (or the
      // model's own reads on CPU) completes inside forward.
      torch::Tensor input = torch::from_blob(const_cast<float*>(batch.data.data()),
                                             {batch.n, batch.c, batch.h, batch.w}, torch::kFloat32);
      if (device_.is_cuda()) input = input.to(device_, /*non_blocking=*/false);
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
  torch::jit::Module module_;
  ModelSpec spec_;
  torch::Device device_;
};

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

Result<std::unique_ptr<Classifier>> load_classifier(const std::string& path,
                                                    const ClassifierOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return model_error(path, "file not found");
  if (fs::is_directory(path, ec)) return model_error(path, "is a folder, not a model file");

  const bool has_cuda = cuda_available();
  if (options.device == DeviceChoice::kCuda && !has_cuda) {
    return model_error(path, "--device cuda asked for, but this LibTorch build or machine has no CUDA");
  }
  const torch::Device device = (options.device == DeviceChoice::kCpu || !has_cuda)
                                   ? torch::Device(torch::kCPU)
                                   : torch::Device(torch::kCUDA, 0);
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
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
      return model_error(path, "forward() must return [N, K] logits");
    }
    if (logits.size(1) != static_cast<long>(spec->labels.size())) {
      return model_error(path, "output width " + std::to_string(logits.size(1)) + " differs from " +
                                   std::to_string(spec->labels.size()) + " labels in its metadata");
    }
  } catch (const c10::Error& e) {
    return model_error(path, "does not accept the input its metadata describes (" +
                                 first_line(e.what()) + ")");
  }
  spdlog::info("loaded model '{}' v{} ({} labels) on {} with {} threads", spec->name,
               spec->version, spec->labels.size(), device.str(), threads);
  return std::unique_ptr<Classifier>(
      std::make_unique<TorchClassifier>(std::move(module), std::move(spec).value(), device));
}

}  // namespace emoscope
