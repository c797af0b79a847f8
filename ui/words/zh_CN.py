"""简体中文: every word of the page and of the server's answers, translated from ``en.py`` (the same keys)."""

from __future__ import annotations

TAG = "zh-CN"
MATCHES = ("zh",)  # zh, zh-CN, zh-TW, zh-Hans-...: the page speaks Simplified Chinese

WORDS: dict[str, str] = {
    # The page's header.
    "title": "# 动手摸 PyTorch：数字识别与 `detach()` 实验室",
    "intro": (
        "画一个数字，看运行在{device}上的小神经网络边画边识别；再修改一个 detach 出来的张量，看看原张量到底会不会变。"
    ),
    "device_cpu": "本服务器的 CPU",
    "device_cuda": "本服务器的 GPU",
    "device_mps": "这台 Mac 的 GPU（Apple MPS）",
    # The Draw tab (canvas, reading, upload).
    "tab_draw": "手写",
    "draw_heading": "### 画一个数字（0–9）",
    "draw_help": (
        "在画布中间画大一点，一两笔即可。网络是 PyTorch 快速入门中的多层感知机（784→512→512→10），在 MNIST 上训练到 "
        "99.4%。你的画会被裁剪、缩放到 20 像素，并按质心居中，和 MNIST 数字的制作方式完全一样。"
    ),
    "reading": "网络的识别结果",
    "insight_heading": "### 网络看到了什么、想了什么",
    "status_preprocess": "预处理",
    "status_forward": "前向",
    "status_total": "总计",
    "draw_prompt": "在画布上画一个数字：边画边出结果。",
    "cap_input": "网络实际收到的输入（28×28）",
    "cap_region": "你的图片：框出的部分就是被读取的内容",
    "cap_saliency": "显著性：最能改变最高分的像素",
    "cap_hidden1": "隐藏层 1（512 个 ReLU 单元）",
    "cap_hidden2": "隐藏层 2（512 个 ReLU 单元）",
    "upload_heading": "或者上传一张数字的照片或扫描件",
    "upload": "数字图片（PNG、JPEG、WebP）",
    "canvas_brush": "画笔",
    "canvas_eraser": "橡皮擦",
    "canvas_undo": "撤销",
    "canvas_clear": "清空",
    "canvas_examples": "MNIST 示例：",
    "canvas_label": "画布：用鼠标、手写笔或手指写一个数字",
    "canvas_example": "示例：数字 {digit}",
    "top_reading": "网络认为是 {digit}（把握 {percent}%）",
    "top_reading_none": "网络还没有读到数字",
    # The detach() lab tab.
    "tab_lab": "detach() 实验室",
    "lab_heading": "### `z = y.detach()` 和 `y` 共享了什么？",
    "lab_help": (
        "`x` 需要梯度，`y` 由 `x` 算出，`z` 由 `y` 得到。修改 `z`：在格子里输入一个数并按回车（每按一次回车就是一次写入"
        " `z[i] = v`）。每次写入后页面都会用真实的 PyTorch 重新运行实验，并显示发生了什么变化。"
    ),
    "lab_x": "x 的值（1 到 16 个数）",
    "lab_op": "y 的计算方式",
    "lab_mode": "z 的得到方式",
    "lab_device": "设备",
    "lab_z_table": "**z** —— 输入一个数，按回车",
    "lab_reset": "重置",
    "lab_printed": "print(y) 与 print(z)",
    "lab_facts": "事实",
    "lab_grad": "y.sum().backward() → x.grad",
    "lab_code": "复现本次运行的程序",
    "lab_output": "程序输出",
    "lab_pitfall_heading": "在 GPU 上创建 x",
    "fact": "项目",
    "lab_pitfall": (
        "陷阱：torch.tensor([1., 2., 3.], requires_grad=True).cuda() 得到的 x 是一次复制的结果，即非叶子张量，所以 "
        "backward 之后 x.grad 仍是 None（读取它时还会发出 UserWarning）。应直接在 GPU 上创建：torch.tensor([1., 2., "
        '3.], requires_grad=True, device="cuda")。'
    ),
    "lab_version_counts": (
        "`_version` 计的是写入次数，而不是值的变化：每一次原地写入都会让张量的版本计数器加 1，即使写入的值和原来的一样"
        "也算。y 的视图和 `y.detach()`（因此在 CPU 上也包括 `y.detach().cpu()`）与 y 共享这个计数器；`y.data` 以及在 y "
        "的内存上重建的张量（例如在 CPU 上的 `torch.from_numpy(y.detach().cpu().numpy())`）有各自的计数器，它们的写入会"
        "改变 y，却不会让 y 的版本增加。你的修改按顺序记为这次实验的历史（程序里的 `z[i] = v` 行）；重置会清空它们。"
    ),
    "lab_history_empty": "还没有写入。",
    "lab_graph": "autograd 计算图及其保存的张量",
    "lab_claims": "关于 detach() 的常见说法，用这次运行来检验",
    "lab_backward": "反向传播：先预测，再运行",
    "lab_no_results": "没有结果：上面的输入被拒绝了。",
    "lab_what_x": "x 的第 {n} 个值",
    "lab_what_edit": "第 {n} 次修改",
    "lab_what_edit_value": "第 {n} 次修改的值",
    "lab_what_cell": "z[{index}]",
    "lab_err_not_number": "{what} 是 {value}，不是数字（例如 3、-1.5、2e-3）",
    "lab_err_empty_value": "{what} 是空的：请输入一个数（例如 3、-1.5、2e-3）",
    "lab_err_nonfinite": "{what} 是 {value}：必须是有限的数（不能是 NaN 或无穷大）",
    "lab_err_float32": "{what} 是 {value}：数值必须在 float32 范围内（-{max} 到 {max}）",
    "lab_err_too_large": "{what} 太大了：数值必须在 float32 范围内（-{max} 到 {max}）",
    "lab_err_must_be_number": "{what} 必须是数字，收到的是 {value}",
    "lab_err_x_type": "x 必须是像 {example} 这样的文本，收到的是 {value}",
    "lab_err_x_list_type": "x 必须是像 {example} 这样的文本或一个数字列表，收到的是 {value}",
    "lab_err_x_too_long": "x 太长了（{chars} 个字符）：请给出 1 到 {max} 个数，例如 {example}",
    "lab_err_x_empty": "x 是空的：请给出 1 到 {max} 个用逗号分隔的数，例如 {example}",
    "lab_err_x_list_empty": "x 是空的：请给出 1 到 {max} 个数",
    "lab_err_x_too_many": "x 的数太多了：给了 {count} 个，最多允许 {max} 个",
    "lab_err_index": "{what}：下标必须是整数，收到的是 {value}",
    "lab_err_index_range": (
        "{what}：下标 {index} 超出了 z 的范围（z 有 {length} 个元素，可用 0 到 {last}，或用 -{length} 到 -1 从末尾数）"
    ),
    "lab_err_length": "z 的长度必须是 1 到 {max} 的整数，收到的是 {value}",
    "lab_err_edits_type": "edits 必须是 [下标, 值] 对的列表，收到的是 {value}",
    "lab_err_too_many_edits": "修改太多了：给了 {count} 次，最多允许 {max} 次",
    "lab_err_pair": "{what}：应为 [下标, 值] 对，收到的是 {value}",
    "lab_err_choice": "未知的 {name} {value}：请从 {allowed} 中选一个",
    "lab_err_no_cuda": '这台服务器没有可用的 CUDA：请使用 device "cpu"',
    "lab_why_clone_fresh": ".clone() 把数据复制到新的内存，所以 z 从不与 y 共享存储，修改 z 不会影响 y。",
    "lab_why_cpu_copy_fresh": (
        "y 在 GPU（{device}）上，所以 .cpu() 会把它复制到主机内存：z 是独立的张量，修改 z 不会影响 y。"
    ),
    "lab_why_cpu_same_fresh": (
        "y 在 CPU 上，所以 .cpu() 直接返回 y.detach() 得到的那个张量：z 仍与 y 共享存储和版本计数器，修改 z 会反映到 y "
        "上。"
    ),
    "lab_why_detach_fresh": (
        "z = y.detach() 是一个没有 autograd 历史的新张量，但它与 y 共享存储和版本计数器，所以修改 z 会反映到 y 上。"
    ),
    "lab_why_data_fresh": "z = y.data 与 y 共享存储，但不共享版本计数器：修改 z 会反映到 y 上，而 autograd 察觉不到。",
    "lab_why_nograd_fresh": (
        "这种方式没有第二个张量：每次修改都在 torch.no_grad() 里直接写进 y。no_grad 让 autograd 不记录这次写入，但这次"
        "写入仍然计入 y 的版本计数器。"
    ),
    "lab_why_try": "修改 z，看看 y 是否改变，以及 y.sum().backward() 是否仍能运行。",
    "lab_why_cpu_prefix": "在 CPU 张量上 .cpu() 返回同一个张量，所以",
    "lab_why_shared_changed": "{cpu}z 与 y 共享存储：修改 z 改变了 y，两者的版本计数器都增加到了 {version}。",
    "lab_why_shared_same": (
        "{cpu}z 与 y 共享存储：写 z 就是写 y 的内存（y 最终的值与原来相同，所以看起来没变），两者的版本计数器都增加到了"
        " {version}。"
    ),
    "lab_why_data_edited": (
        "z = y.data 与 y 共享存储，所以修改改变了 y，但 y 的版本计数器没有变：z._version 增加到了 {z_version}，而 "
        "y._version 仍是 {y_version}，所以 autograd 看不出 y 被改过。"
    ),
    "lab_why_data_same": (
        "z = y.data 与 y 共享存储：写 z 就是写 y 的内存（y 最终的值与原来相同，所以看起来没变），但 y 的版本计数器没有"
        "变：z._version 增加到了 {z_version}，而 y._version 仍是 {y_version}，所以 autograd 看不出 y 被写过。"
    ),
    "lab_why_numpy_same_fresh": (
        "y 在 CPU 上，所以 y.detach().cpu() 就是 y 自己的内存，.numpy() 是建在它上面的数组，torch.from_numpy 再在同一块"
        "内存上建出新张量 z，它有自己的版本计数器：修改 z 会反映到 y 上，而 autograd 察觉不到。"
    ),
    "lab_why_numpy_copy_fresh": (
        "y 在 GPU（{device}）上，所以 .cpu() 会在 .numpy() 之前把它复制到主机内存：z 是独立的张量，修改 z 不会影响 y。"
    ),
    "lab_why_numpy_edited": (
        "z 是在 y 的内存上重建的，所以修改改变了 y，但 y 的版本计数器没有变：z._version 增加到了 {z_version}，而 "
        "y._version 仍是 {y_version}，所以 autograd 看不出 y 被改过。"
    ),
    "lab_why_numpy_same": (
        "z 是在 y 的内存上重建的：写 z 就是写 y 的内存（y 最终的值与原来相同，所以看起来没变），但 y 的版本计数器没有变"
        "：z._version 增加到了 {z_version}，而 y._version 仍是 {y_version}，所以 autograd 看不出 y 被写过。"
    ),
    "lab_why_nograd_edited": (
        "这次修改是在 torch.no_grad() 下写进 y 的：autograd 没有把它记录为一次运算，但 y._version 仍增加到了 "
        "{version}。"
    ),
    "lab_why_clone_prefix": "z 是 clone 出来的副本，有自己的内存：",
    "lab_why_copy_prefix": "y 在 GPU（{device}）上，所以 .cpu() 把它复制到了主机内存：",
    "lab_why_not_changed": "修改 z 没有改变 y；z 的版本计数器增加到了 {z}，而 y 的仍是 {y}。",
    "lab_why_backward_failed": (
        "反向传播失败：{op} 为反向传播保存了输出 y，而原地写入增加了 y 的版本计数器，所以 autograd 拒绝使用被改动的值。"
    ),
    "lab_why_data_wrong": (
        "反向传播没有报错，但 {op} 保存了 y，读到的是被改过的值：x.grad 是错的，而且没有任何提示。这正是 detach() 取代 "
        ".data 的原因。"
    ),
    "lab_why_numpy_wrong": (
        "反向传播没有报错，但 {op} 保存了 y，读到的是被改过的值：x.grad 是错的，而且没有任何提示。在 y 的内存上重建的张"
        "量和 .data 一样，会让 y 的版本计数器看不到它的写入。"
    ),
    "lab_why_backward_untouched": "反向传播成功：y 本身从未被修改，所以 x.grad 不受影响。",
    "lab_why_backward_mul": "反向传播仍然成功：x * 2 只是乘以常数，没有为反向传播保存 y，所以 x.grad 处处为 2。",
    "lab_why_backward_pow": (
        "反向传播仍然成功：x ** 2 为反向传播保存的是 x 而不是 y，所以 x.grad = 2x 不受这次修改影响。"
    ),
    "lab_why_backward_ok": "反向传播仍然成功。",
    "sentence_gap": "",
    "lab_fact_device": "设备 device",
    "lab_fact_shares": "与另一方共享存储",
    "lab_fact_version": "版本计数器 _version",
    "lab_fact_requires_grad": "需要梯度 requires_grad",
    "lab_fact_grad_fn": "梯度函数 grad_fn",
    "lab_fact_is_leaf": "叶子节点 is_leaf",
    "lab_graph_caption": "读自 y.grad_fn：反向节点右侧的每个框是它保存的一个张量（{names}）；保存后版本变了就标红。",
    "lab_graph_saved": "保存时",
    "lab_graph_now": "现在",
    "lab_graph_of": "是",
    "lab_graph_constant": "常数",
    "lab_graph_nothing_saved": "没有保存张量",
    "lab_graph_shares": "与 y 同一存储",
    "lab_graph_data": "y 的存储，独立 _version",
    "lab_graph_copy": "独立内存",
    "lab_graph_is_y": "z 就是 y",
    "lab_graph_leaf": "叶子",
    "lab_predict_ok": "预测：反向传播会成功，因为 {grad_fn} 保存的每个张量都还是保存时的版本。",
    "lab_predict_fail": (
        "预测：反向传播会失败，因为 {grad_fn} 在版本 {saved} 时保存了 {name}（即 {of}），而它现在是版本 {now}。"
    ),
    "lab_run_ok": "运行：反向传播成功。x.grad = {grad}",
    "lab_run_fail": "运行：反向传播失败。RuntimeError: {error}",
    "lab_run_agrees": "✔ 预测与运行结果一致。",
    "lab_run_disagrees": "✘ 预测与运行结果不一致。",
    "lab_grad_wrong": (
        "✘ 但这个 x.grad 是错的：未修改的 {op} 的真实梯度是 {expected}。y.data 让版本计数器看不到这次修改，所以反向传播"
        "悄悄用了被改过的值。"
    ),
    "lab_grad_wrong_numpy": (
        "✘ 但这个 x.grad 是错的：未修改的 {op} 的真实梯度是 {expected}。z 有自己的版本计数器，y 的计数器看不到这次修改"
        "，所以反向传播悄悄用了被改过的值。"
    ),
    "lab_grad_right": "未修改的 {op} 的真实梯度是 {expected}：x.grad 与之相同。",
    "lab_verdict_true": "✔ 此处成立",
    "lab_verdict_false": "✘ 此处不成立",
    "lab_verdict_silent": "✘ 此处不成立，而且没有报错",
    "claim_shares": "“z 与 y 共享数据”",
    "claim_shares_same_storage": "z 和 y 使用同一块存储：写入其中一个，另一个也会变。",
    "claim_shares_clone": ".clone() 把数据复制到了 z 自己的内存里。",
    "claim_shares_gpu_copy": "y 在 GPU 上，所以 .cpu() 把它复制到了主机内存。",
    "claim_no_backward": "“z 不参与反向传播”",
    "claim_no_backward_detached": (
        "z 的 requires_grad=False，也没有 grad_fn：反向传播从不经过 z（但它的写入仍可能改到 y.grad_fn 保存的张量）。"
    ),
    "claim_no_backward_is_y": "这种方式下修改直接写进 y，而 y 是计算图的一部分。",
    "claim_grad_unaffected": "“y 的梯度不受影响”",
    "claim_grad_unaffected_same": "x.grad 与未修改函数的梯度相同。",
    "claim_grad_unaffected_fails": "反向传播失败：y.grad_fn 保存的张量在保存之后被写入过。",
    "claim_grad_unaffected_silent": "x.grad 悄悄地错了：.data 让版本计数器看不到写入，反向传播用了被改过的值。",
    "claim_grad_unaffected_silent_rebuilt": (
        "x.grad 悄悄地错了：z 有自己的版本计数器，y 的计数器看不到写入，反向传播用了被改过的值。"
    ),
    "claim_cpu_never_shares": "“.detach().cpu() 从不与 y 共享内存”",
    "claim_cpu_never_shares_copy": "y 在 GPU 上，所以 .cpu() 把它复制到主机内存。",
    "claim_cpu_never_shares_same_tensor": "y 本来就在 CPU 上，所以 .cpu() 返回同一个张量，与 y 共享内存。",
    # The "not sure" answer and the model's words (world handwriting).
    "unsure_hint": (
        "? 表示不确定：这看起来不像一个数字（一个点、乱涂、两个数字或一个字母）。条形仍显示网络给每个数字的概率。"
    ),
    "top_reading_unsure": "不确定（?）：最多像 {digit}，{percent}%",
    # GPU availability and fallbacks (ZeroGPU, quota).
    "gpu_lab_refused": "GPU 现在无法运行实验（{reason}）。请选择 cpu 设备。",
    "gpu_reason_quota": "你今天的 ZeroGPU 配额已用完",
    "gpu_reason_duration_too_long": "申请的 GPU 时长超过了 ZeroGPU 的上限",
    "gpu_reason_no_gpu_free": "目前没有空闲的 GPU",
    "gpu_reason_no_driver": "这台服务器没有 NVIDIA 驱动",
    "gpu_reason_no_gpu": "这台服务器没有 GPU",
    "gpu_reason_out_of_memory": "GPU 显存不足",
    "gpu_reason_worker_error": "GPU 工作进程出错",
    "gpu_reason_scheduling": "无法调度 GPU",
    "gpu_reason_error": "GPU 调用失败",
    "status_gpu_fallback": "{device}（GPU 不可用：{reason}）",
    # Teaching the visitor's own last layer.
    "teach_heading": "**读错了？它其实是……**",
    "teach_help": (
        "选出正确的数字：你自己的一份网络最后一层（5,130 个数）会用这幅画学习几步。它下面的各层是共享且冻结的；共享模型"
        "永远不变，别人也看不到你的教学。"
    ),
    "teach_your_reading": "你的模型（你教过的）",
    "teach_shared_reading": "共享模型",
    "teach_forget": "忘掉我的教学",
    "teach_taught": (
        "已教：这幅画是 {digit}。你的模型之前读成 {before_digit}（{before_percent}%），现在读成 {after_digit}（"
        "{after_percent}%）。已教 {lessons} 次。"
    ),
    "teach_before": "之前",
    "teach_after": "之后",
    "teach_probabilities": "这幅画的十个概率：教之前与教之后",
    "teach_loss": (
        "每一步的损失：这幅画、它的 {warps} 个变形和你之前的画占 {share}%；它被读成的数字及其形近数字占 {guard}%"
        "（取其中与你的画最接近的 MNIST 数字）；{replay} 个随机 MNIST 数字和与你的画最接近的 MNIST 数字占其余"
    ),
    "teach_step": "步",
    "teach_time": (
        "{ms} ms，在 {device} 上：预处理 {preprocess} ms · 变形与回放批次 {prepare} ms · {steps} 步 {steps_ms} ms · 本"
        "面板 {render} ms"
    ),
    "teach_code": (
        "刚刚运行的那一步的完整代码（model/teach.py）。标出的那一行冻结了主体：它的输出被从自动求导图中切断，"
        "backward() 到此为止，只有最后一层在学习。"
    ),
    "teach_lab_link": "detach() 共享什么、切断什么：去 detach() 实验室试试 →",
    "teach_forgotten": "已忘掉：识别结果重新来自共享模型。",
    "teach_err_digit": "数字必须是 0 到 9 的整数，而不是 {value}。",
    "teach_err_blank": "没有可教的内容：画面是空的。请先画一个数字。",
    "teach_err_no_session": "没有可以教的会话。",
    "teach_download": "下载我的最后一层（.safetensors）",
    "teach_upload": "载入一层的文件",
    "teach_load_code": "在 PyTorch 快速入门的网络里用你的这一层（配上共享的主体）：三行",
    "teach_imported": "已载入你的那一层：识别结果从现在起来自它。用它读，这幅画是 {digit}（{percent}%）。",
    "teach_imported_blank": "已载入你的那一层：识别结果从现在起来自它。",
    "teach_nothing_to_export": "还没有可下载的：请先教一个数字。",
    "teach_err_file_missing": "没有收到文件：请选择一个 .safetensors 文件。",
    "teach_err_file_too_large": "文件太大，不可能是一层（{size} KB；一层是 21 KB）。",
    "teach_err_file_pickle": "这个文件是 pickle（torch.save）：不会被打开。只读取 safetensors 文件。",
    "teach_err_file_not_safetensors": "这个文件不是 safetensors 文件。",
    "teach_err_file_keys": (
        "文件必须只含 linear_relu_stack.4.weight 和 linear_relu_stack.4.bias（它含有：{detail}）。"
    ),
    "teach_err_file_shapes": "这一层必须是 10×512 的权重和长 10 的偏置，且为浮点数（这个文件：{detail}）。",
    "teach_err_file_not_finite": "这一层含有 NaN 或无穷大的数：不予载入。",
    # Messages for refused input (errors), all areas.
    "error_title": "出错了",
    "drawing_empty_image": "图片是空的（{width}×{height} 像素）。",
    "drawing_image_too_big": "图片是 {width}×{height} 像素，每边最多 {limit} 像素。",
    "drawing_decompression_bomb": "图片太大，无法安全解码（每边最多 {limit} 像素）。",
    "drawing_not_an_image": "这个文件不是能读取的图片（PNG、JPEG、WebP、BMP、GIF 等）。",
    "drawing_not_a_data_url": "画布内容必须以 data:image/...;base64 URL 的形式发送。",
    "drawing_data_url_too_long": "画布内容太大（{chars:,} 个字符，上限为 {limit:,}）。",
    "drawing_bad_base64": "画布内容的 data URL 不是有效的 base64。",
    "drawing_array_shape": "图像数组的形状必须是 H×W、H×W×3 或 H×W×4，而不是 {shape}。",
    "drawing_array_dtype": "图像数组必须存放数值，而不是 {dtype}。",
    "drawing_no_local_path": "图片引用没有本地路径。",
    "drawing_not_an_image_value": "需要一张图片，而不是 {kind}。",
    "drawing_canvas_keys": "画布里有未知的键：{keys}；应为 background、layers、composite。",
    "drawing_layers_not_a_list": "画布的 layers 必须是图片列表。",
    # The API's refusals of a value that is not what an endpoint takes (ui/upload.py, NotSentError).
    "api_not_a_file": '请发送一个图片文件，例如 handle_file("digit.png")；这次调用发送的是{sent}。',
    "api_not_a_drawing": (
        '请发送 Sketchpad 字典，例如 {{"background": None, "layers": [], "composite": '
        'handle_file("digit.png")}}；这次调用发送的是{sent}。（/classify 接收单独的文件。）'
    ),
    "api_sent_nothing": "空值",
    "api_sent_data_url": "一个 data URL（请直接发送文件）",
    "api_sent_file": "一个单独的文件",
    "api_sent_text": "一段文本",
    "api_sent_other": "一个不是文件的值",
    # The Train tab (ui/train_tab.py): the seed's network trained live.
    "tab_train": "训练",
    "train_heading": "### 亲手训练种子代码里的网络：PyTorch 快速入门的训练循环",
    "train_help": (
        "我们拿到的网络是 PyTorch 快速入门里的多层感知机，带着两个错误。可以选原样的、只留下输出层 ReLU 的、"
        "或修好的；选好优化器、学习率、批大小、步数和随机种子，按 **训练**：快速入门的 `train`/`test` "
        "循环就在这里运行，每隔几步显示损失，每个检查点显示测试准确率。**对比** 用同样的批次、从同样的初始权重"
        "训练修好的网络和输出层带 ReLU 的网络。这里没有事先写好的数字：每个数字都来自你启动的这次运行。"
    ),
    "train_network": "网络",
    "train_net_fixed": "修好的（两个错误都修了）",
    "train_net_relu_on_logits": "种子代码的，输出层带 ReLU",
    "train_net_as_given": "种子代码原样",
    "train_optimizer": "优化器（快速入门用 SGD）",
    "train_lr": "学习率",
    "train_batch_size": "批大小（1–512）",
    "train_steps": "步数（1–2,000）",
    "train_seed": "随机种子",
    "train_button": "训练",
    "train_compare": "对比：修好的与带 ReLU 的",
    "train_idle": "按“训练”：网络学习时，损失曲线会在这里逐步画出。",
    "train_running": "训练中……",
    "train_done": "完成。",
    "train_progress": "第 {step} / {steps} 步 · {device} · 每秒 {rate} 个样本 · 训练用时 {seconds} 秒",
    "train_gpu_asked": "这次运行一共向 ZeroGPU 申请 {seconds} 秒 GPU 时间（{calls} 次调用）。",
    "train_cpu_fallback": "GPU 无法运行（{reason}），所以在 CPU 上训练。",
    "train_data_torchvision": (
        "数据：通过 torchvision 获取的 MNIST，全部 {train:,} 个训练数字；测试：官方的 {test:,} 个测试数字。"
    ),
    "train_data_shipped": (
        "数据：这台服务器没有下载 MNIST，所以用本应用自带的数字：{train:,} 个 MNIST 训练数字"
        "（assets/train/mnist_train_10k.npz）；"
        "测试：{test:,} 个 MNIST 测试数字（assets/train/mnist_test_2000.npz）。"
    ),
    "train_axis_loss": "损失（每 {every} 步的平均）",
    "train_axis_accuracy": "测试准确率（圆点）",
    "train_axis_step": "步",
    "train_result": "{name}：训练 {step} 步后，测试数字准确率 {accuracy}（检查点：{checkpoints}）。",
    "train_dead": (
        "死掉的类别：{classes}。它们对每个测试数字的输出都 ≤ 0，ReLU 给出 0，梯度也是 0："
        "永远不会被预测，也学不回来。"
    ),
    "train_no_dead": "没有死掉的类别：每个数字都在某处得到正的输出。",
    "train_error": "种子代码原样无法构建。PyTorch 抛出 {type}: {message}（第 {line} 行）。",
    "train_fix": "修正：第 {line} 行改成 {fix}，也就是它本来要写的那一层（784 个输入，512 个输出）。",
    "train_relu_mark": (
        "标出的 ReLU 把每个负的 logit 截成 0：一个类别的 logit 若全都小于 0，就得不到梯度而死掉。"
        "PyTorch 快速入门在 2021 年删掉了它。"
    ),
    "train_code_heading": "**网络的代码**（实际运行的类）",
    "train_program_heading": "**复现这次运行的程序**（CPU；在本应用的目录里运行）",
    "train_program_compare": "# 对比：这是修好的网络的运行；另一个只需在最后一个 nn.Linear 后加上 nn.ReLU()。\n",
    "train_read_with": "用哪个模型识别",
    "train_read_shipped": "自带的模型",
    "train_read_trained": "我训练的模型（训练页）",
    "train_err_bad_network": "未知的网络 {value}：请从 {choices} 中选择。",
    "train_err_bad_optimizer": "未知的优化器 {value}：请从 {choices} 中选择。",
    "train_err_bad_lr": "学习率必须是大于 0、不超过 {high} 的数，而不是 {value}。",
    "train_err_bad_batch_size": "批大小必须是 {low} 到 {high} 之间的整数，而不是 {value}。",
    "train_err_bad_steps": "步数必须是 {low} 到 {high} 之间的整数，而不是 {value}。",
    "train_err_bad_seed": "随机种子必须是 {low} 到 {high} 之间的整数，而不是 {value}。",
}
