// emoscope-gpu-check: CPU-vs-CUDA agreement and batched throughput of an
// Emoscope model, built by scripts/gpu-check.sh.
//
// It needs LibTorch and nothing else, because the machines that have a GPU
// often have a CUDA PyTorch but not OpenCV, Qt or spdlog. So it cannot link
// core's classifier (torch_classifier.cpp needs spdlog, OpenSSL, nlohmann_json
// and, through preprocess.hpp, OpenCV); instead it repeats what that classifier
// does, step for step: load to the device, freeze + optimize_for_inference,
// cuDNN TF32 off, inputs staged in pinned host memory and copied with
// non_blocking, softmax on the device, probabilities copied back. Keep the two
// in step when either changes.
//
// Exit codes: 0 agreement within tolerance (or --cpu-only done), 1 agreement
// FAILED, 2 usage or model error, 5 no CUDA device usable at run time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>

namespace {

constexpr double kTolerance = 1e-4;
constexpr int kAgreementFaces = 64;

struct InputSpec {
  int channels = 0, height = 0, width = 0;
  std::vector<double> mean, std;
};

// The few fields of emoscope.json this check needs, without a JSON library:
// the number (or number list) after "key": inside the "input" object.
bool read_numbers(const std::string& json, std::size_t from, const std::string& key, std::vector<double>& out) {
  const std::size_t at = json.find("\"" + key + "\"", from);
  if (at == std::string::npos) return false;
  std::size_t p = json.find(':', at);
  if (p == std::string::npos) return false;
  ++p;
  const bool list = json.find_first_not_of(" \t\r\n", p) != std::string::npos &&
                    json[json.find_first_not_of(" \t\r\n", p)] == '[';
  const std::size_t end = list ? json.find(']', p) : json.find_first_of(",}", p);
  std::string body = json.substr(p, end - p);
  std::replace(body.begin(), body.end(), '[', ' ');
  std::replace(body.begin(), body.end(), ',', ' ');
  std::istringstream in(body);
  for (double v; in >> v;) out.push_back(v);
  return !out.empty();
}

bool parse_input_spec(const std::string& json, InputSpec& spec) {
  const std::size_t input = json.find("\"input\"");
  if (input == std::string::npos) return false;
  std::vector<double> c, h, w;
  if (!read_numbers(json, input, "channels", c) || !read_numbers(json, input, "height", h) ||
      !read_numbers(json, input, "width", w) || !read_numbers(json, input, "mean", spec.mean) ||
      !read_numbers(json, input, "std", spec.std))
    return false;
  spec.channels = static_cast<int>(c[0]);
  spec.height = static_cast<int>(h[0]);
  spec.width = static_cast<int>(w[0]);
  return spec.channels > 0 && spec.height > 0 && spec.width > 0 &&
         static_cast<int>(spec.mean.size()) == spec.channels && static_cast<int>(spec.std.size()) == spec.channels;
}

torch::jit::Module load(const std::string& path, const torch::Device& device) {
  torch::jit::Module module = torch::jit::load(path, device);
  module.eval();
  module = torch::jit::freeze(module);
  torch::jit::optimize_for_inference(module);
  return module;
}

// Face-like inputs rather than white noise (which every model calls the same
// thing): smooth blobs at face-feature scale plus pixel noise, on 0..1 pixels,
// normalised as the model's spec says. Seeded, so every run sees the same batch.
torch::Tensor deterministic_inputs(const InputSpec& spec, int n) {
  torch::manual_seed(20261201);
  torch::Tensor coarse = torch::rand({n, spec.channels, 6, 6});
  torch::Tensor smooth = at::upsample_bilinear2d(coarse, {spec.height, spec.width}, /*align_corners=*/false);
  torch::Tensor pixels = (0.75 * smooth + 0.25 * torch::rand({n, spec.channels, spec.height, spec.width})).clamp(0, 1);
  torch::Tensor mean = torch::tensor(std::vector<float>(spec.mean.begin(), spec.mean.end())).view({1, -1, 1, 1});
  torch::Tensor std = torch::tensor(std::vector<float>(spec.std.begin(), spec.std.end())).view({1, -1, 1, 1});
  return ((pixels - mean) / std).contiguous();
}

// One batch as core's TorchClassifier::classify runs it: `staging` is pinned
// when the device is CUDA, and the app's batch (a plain vector) is copied into it.
class Runner {
 public:
  Runner(torch::jit::Module module, torch::Device device) : module_(std::move(module)), device_(device) {}

  torch::Tensor probabilities(const float* batch, const std::vector<int64_t>& shape) {
    torch::InferenceMode guard;
    const int64_t count = shape[0] * shape[1] * shape[2] * shape[3];
    torch::Tensor input;
    if (device_.is_cuda()) {
      if (!staging_.defined() || staging_.numel() < count) {
        staging_ = torch::empty({count}, torch::TensorOptions().dtype(torch::kFloat32).pinned_memory(true));
      }
      std::memcpy(staging_.data_ptr<float>(), batch, count * sizeof(float));
      input = staging_.narrow(0, 0, count).view(shape).to(device_, /*non_blocking=*/true);
    } else {
      input = torch::from_blob(const_cast<float*>(batch), shape, torch::kFloat32);
    }
    torch::Tensor logits = module_.forward({input}).toTensor();
    return torch::softmax(logits.to(torch::kFloat32), 1).to(torch::kCPU);
  }

  const torch::Device& device() const { return device_; }

 private:
  torch::jit::Module module_;
  torch::Device device_;
  torch::Tensor staging_;
};

double faces_per_second(Runner& runner, const InputSpec& spec, int batch_size, double seconds) {
  const torch::Tensor batch = deterministic_inputs(spec, batch_size);
  const std::vector<int64_t> shape(batch.sizes().begin(), batch.sizes().end());
  const float* data = batch.data_ptr<float>();
  const int warm_up = runner.device().is_cuda() ? 3 : 1;  // CUDA: allocator, cuDNN plans
  for (int i = 0; i < warm_up; ++i) runner.probabilities(data, shape);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int iterations = 0;
  double elapsed = 0;
  do {
    runner.probabilities(data, shape);  // ends with a device-to-host copy, so it is synchronous
    ++iterations;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds || iterations < 3);
  return batch_size * iterations / elapsed;
}

void usage(FILE* to) {
  std::fprintf(to,
               "usage: emoscope-gpu-check --model FILE [--cpu-only] [--batches 1,8,32,128] [--seconds S] [--threads N]\n"
               "Prints CPU-vs-CUDA agreement of softmax probabilities (PASS when max |dp| <= 1e-4)\n"
               "and batched throughput in faces/s. Exit: 0 pass, 1 FAIL, 2 usage/model error,\n"
               "5 no CUDA device usable (use --cpu-only to measure the CPU alone).\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path;
  bool cpu_only = false;
  std::vector<int> batches{1, 8, 32, 128};
  double seconds = 1.0;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int threads = std::max(1, cores / 2);  // core's default: the detector has the other half
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "--cpu-only") {
      cpu_only = true;
    } else if (arg == "--model" && has_value) {
      model_path = argv[++i];
    } else if (arg == "--seconds" && has_value) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--threads" && has_value) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--batches" && has_value) {
      batches.clear();
      std::string list = argv[++i];
      std::replace(list.begin(), list.end(), ',', ' ');
      std::istringstream in(list);
      for (int b; in >> b;)
        if (b > 0) batches.push_back(b);
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (model_path.empty() || batches.empty() || !(seconds > 0)) {
    usage(stderr);
    return 2;
  }

  at::set_num_threads(threads);
  // The CPU-only hooks throw on these queries: that is how a CUDA build is told apart.
  long cudart = 0, cudnn = 0;
  try {
    cudart = at::detail::getCUDAHooks().versionCUDART();
    cudnn = at::detail::getCUDAHooks().versionCuDNN();
  } catch (const std::exception&) {
  }
  const std::size_t devices = cudart > 0 ? torch::cuda::device_count() : 0;
  std::printf("LibTorch %s; CUDA build: %s", TORCH_VERSION, cudart > 0 ? "yes" : "no");
  if (cudart > 0) std::printf(" (CUDA runtime %ld.%ld, cuDNN %ld)", cudart / 1000, cudart % 1000 / 10, cudnn);
  std::printf("; CUDA devices: %zu; CPU threads: %d of %d cores\n", devices, threads, cores);

  InputSpec spec;
  std::vector<Runner> runners;
  try {
    torch::jit::ExtraFilesMap extra{{"emoscope.json", ""}};
    torch::jit::load(model_path, torch::kCPU, extra);
    if (!parse_input_spec(extra["emoscope.json"], spec)) {
      std::fprintf(stderr, "model '%s': no usable input spec in its emoscope.json\n", model_path.c_str());
      return 2;
    }
    std::printf("model %s: input %dx%dx%d, mean %g, std %g\n", model_path.c_str(), spec.channels, spec.height,
                spec.width, spec.mean[0], spec.std[0]);
    runners.emplace_back(load(model_path, torch::kCPU), torch::kCPU);
    if (!cpu_only) {
      if (!torch::cuda::is_available()) {
        std::printf("no CUDA device usable: this LibTorch %s CUDA, and %zu devices are visible (run with --cpu-only "
                    "to measure the CPU alone)\n",
                    cudart > 0 ? "has" : "lacks", devices);
        return 5;
      }
      // As core does: full fp32 convolutions, so CUDA's probabilities match the CPU's.
      at::globalContext().setAllowTF32CuDNN(false);
      at::globalContext().setAllowTF32CuBLAS(false);
      runners.emplace_back(load(model_path, torch::Device(torch::kCUDA, 0)), torch::Device(torch::kCUDA, 0));
    }
  } catch (const std::exception& e) {
    const std::string what = e.what();
    std::fprintf(stderr, "model '%s': %s\n", model_path.c_str(), what.substr(0, what.find('\n')).c_str());
    return 2;
  }

  int status = 0;
  try {
    if (!cpu_only) {
      const torch::Tensor inputs = deterministic_inputs(spec, kAgreementFaces);
      const std::vector<int64_t> shape(inputs.sizes().begin(), inputs.sizes().end());
      const torch::Tensor on_cpu = runners[0].probabilities(inputs.data_ptr<float>(), shape);
      const torch::Tensor on_cuda = runners[1].probabilities(inputs.data_ptr<float>(), shape);
      const double diff = (on_cpu - on_cuda).abs().max().item<double>();
      const long same = on_cpu.argmax(1).eq(on_cuda.argmax(1)).sum().item<long>();
      const bool pass = diff <= kTolerance;
      std::printf("agreement, %d seeded inputs, cpu vs %s (fp32): max |dp| = %.3g, same label %ld/%d: %s (tolerance %g)\n",
                  kAgreementFaces, runners[1].device().str().c_str(), diff, same, kAgreementFaces,
                  pass ? "PASS" : "FAIL", kTolerance);
      // For the record: LibTorch's default would allow TF32 convolutions (Ampere and newer).
      at::globalContext().setAllowTF32CuDNN(true);
      const double tf32 = (on_cpu - runners[1].probabilities(inputs.data_ptr<float>(), shape)).abs().max().item<double>();
      at::globalContext().setAllowTF32CuDNN(false);
      std::printf("for comparison, with TF32 convolutions allowed: max |dp| = %.3g (not used by the app)\n", tf32);
      status = pass ? 0 : 1;
    }
    std::printf("throughput, faces/s (%.1f s per cell; copy in, forward, probabilities back):\n%8s", seconds, "batch");
    for (const Runner& r : runners) std::printf(" %12s", r.device().str().c_str());
    std::printf("\n");
    for (int b : batches) {
      std::printf("%8d", b);
      for (Runner& r : runners) {
        std::printf(" %12.1f", faces_per_second(r, spec, b, seconds));
        std::fflush(stdout);
      }
      std::printf("\n");
    }
  } catch (const std::exception& e) {
    const std::string what = e.what();
    std::fprintf(stderr, "inference failed: %s\n", what.substr(0, what.find('\n')).c_str());
    return 2;
  }
  return status;
}
