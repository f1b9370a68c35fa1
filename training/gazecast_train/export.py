"""ONNX export (opset 17, fixed input size), weight quantization by graph editing, integrity data."""
from __future__ import annotations

import hashlib
import os
from typing import List

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def export_onnx(module: torch.nn.Module, args: tuple, path: str, input_names: List[str], output_names: List[str]):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return path


def _replace_initializer(graph, name: str, new_inits, cast_nodes):
    for init in list(graph.initializer):
        if init.name == name:
            graph.initializer.remove(init)
    graph.initializer.extend(new_inits)
    for i, n in enumerate(cast_nodes):
        graph.node.insert(i, n)


def fp16_weights(src: str, dst: str, min_elems: int = 16) -> str:
    """Stores float32 weights as float16 with a Cast back to float32 in the graph: half the download, fp32
    compute (so adapters without shader-f16 and the WASM backend run it unchanged)."""
    m = onnx.load(src)
    g = m.graph
    casts, new_inits, drop = [], [], []
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_elems:
            arr = numpy_helper.to_array(init).astype(np.float16)
            new_inits.append(numpy_helper.from_array(arr, init.name + "__fp16"))
            casts.append(helper.make_node("Cast", [init.name + "__fp16"], [init.name], to=TensorProto.FLOAT,
                                          name=init.name + "__cast"))
            drop.append(init)
    for d in drop:
        g.initializer.remove(d)
    g.initializer.extend(new_inits)
    for i, n in enumerate(casts):
        g.node.insert(i, n)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return dst


def int8_conv_weights(src: str, dst: str, min_elems: int = 16384) -> str:
    """Per-output-channel symmetric int8 Conv weights with DequantizeLinear (QDQ) in front: a quarter of the
    download. Only the large 1x1 (pointwise) kernels are quantized: they hold ~95 % of the weights, while int8
    depthwise 3x3 kernels and the first conv lose too much (correlation fell to 0.986 with them). Other float
    weights are stored as float16 + Cast. (ORT does not fold DequantizeLinear: this saves download, not compute.)"""
    m = onnx.load(src)
    g = m.graph
    conv_weights = {n.input[1] for n in g.node if n.op_type == "Conv" and len(n.input) > 1}
    new_nodes, new_inits, drop = [], [], []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if init.name in conv_weights and arr.ndim == 4 and arr.shape[2:] == (1, 1) and arr.size >= min_elems:
            scale = np.maximum(np.abs(arr).reshape(arr.shape[0], -1).max(1), 1e-12) / 127.0
            q = np.clip(np.round(arr / scale[:, None, None, None]), -127, 127).astype(np.int8)
            new_inits += [numpy_helper.from_array(q, init.name + "__q"),
                          numpy_helper.from_array(scale.astype(np.float32), init.name + "__scale"),
                          numpy_helper.from_array(np.zeros(arr.shape[0], np.int8), init.name + "__zp")]
            new_nodes.append(helper.make_node("DequantizeLinear", [init.name + "__q", init.name + "__scale",
                                                                   init.name + "__zp"], [init.name], axis=0,
                                              name=init.name + "__dq"))
            drop.append(init)
        elif arr.size >= 16:
            new_inits.append(numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16"))
            new_nodes.append(helper.make_node("Cast", [init.name + "__fp16"], [init.name], to=TensorProto.FLOAT,
                                              name=init.name + "__cast"))
            drop.append(init)
    for d in drop:
        g.initializer.remove(d)
    g.initializer.extend(new_inits)
    for i, n in enumerate(new_nodes):
        g.node.insert(i, n)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return dst


def file_entry(folder: str, name: str, precision: str = None) -> dict:
    path = os.path.join(folder, name)
    data = open(path, "rb").read()
    e = {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if precision:
        e = {"path": name, "precision": precision, "bytes": e["bytes"], "sha256": e["sha256"]}
    return e
