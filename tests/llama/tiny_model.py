#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tiny_model.py - a tiny llama model with random weights, for the llama-server
# protocol test.  Its answers are meaningless; it only has to load, take the
# client's requests and sample under the grammar llama-server derives from the
# JSON schema.
#
# The vocabulary comes from llama.cpp's vocab-only GGUF
# (models/ggml-vocab-llama-spm.gguf, SentencePiece, 32000 tokens); the file is
# written with the gguf-py that llama.cpp bundles (needs numpy: Debian's
# python3-numpy).  2 layers, 64-wide embeddings, 4 heads, fixed seed: the same
# bytes on every machine.  A ChatML chat template is added so that
# /v1/chat/completions works without --chat-template.
#
#   PYTHONPATH=LLAMA_SRC/gguf-py python3 tiny_model.py LLAMA_SRC OUT.gguf
#
# Does nothing when OUT.gguf already exists (the test caches it next to the
# server build).  Writes OUT.gguf.tmp then renames, so a half-written model
# is never used.
import os
import sys

import numpy as np

import gguf

N_LAYER = 2
N_EMBD = 64
N_HEAD = 4
N_HEAD_KV = 4
N_FF = 128
N_CTX = 2048
SEED = 20260101

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def field(reader, key):
    f = reader.fields.get(key)
    if f is None:
        raise SystemExit(f"tiny_model.py: {reader.path}: no {key}")
    return f.contents()


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: tiny_model.py LLAMA_SRC OUT.gguf")
    src, out = sys.argv[1], sys.argv[2]
    if os.path.exists(out):
        return
    vocab = os.path.join(src, "models", "ggml-vocab-llama-spm.gguf")
    r = gguf.GGUFReader(vocab)
    tokens = field(r, "tokenizer.ggml.tokens")
    scores = field(r, "tokenizer.ggml.scores")
    types = field(r, "tokenizer.ggml.token_type")
    n_vocab = len(tokens)

    tmp = out + ".tmp"
    w = gguf.GGUFWriter(tmp, "llama")
    w.add_name("smsmatch-tiny-random")
    w.add_block_count(N_LAYER)
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)

    w.add_tokenizer_model(field(r, "tokenizer.ggml.model"))
    w.add_tokenizer_pre(field(r, "tokenizer.ggml.pre"))
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(field(r, "tokenizer.ggml.bos_token_id"))
    w.add_eos_token_id(field(r, "tokenizer.ggml.eos_token_id"))
    w.add_unk_token_id(field(r, "tokenizer.ggml.unknown_token_id"))
    w.add_add_bos_token(field(r, "tokenizer.ggml.add_bos_token"))
    w.add_add_eos_token(field(r, "tokenizer.ggml.add_eos_token"))
    # No "▁" before the text: llama-server feeds the template's generation
    # prompt ("<|im_start|>assistant\n") through the response grammar and
    # skips a first token that starts with a space, which with the prefix
    # would be "▁<" (then "Failed to initialize samplers").  Real chat
    # models have <|im_start|> as a special token and do not meet this.
    w.add_add_space_prefix(False)
    w.add_chat_template(CHATML)

    rng = np.random.default_rng(SEED)

    def rand(*shape):
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    def ones(n):
        return np.ones(n, dtype=np.float32)

    # numpy shapes are ggml's ne reversed: token_embd is ne {n_embd, n_vocab}.
    w.add_tensor("token_embd.weight", rand(n_vocab, N_EMBD))
    w.add_tensor("output_norm.weight", ones(N_EMBD))
    w.add_tensor("output.weight", rand(n_vocab, N_EMBD))
    kv = N_EMBD // N_HEAD * N_HEAD_KV
    for i in range(N_LAYER):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", ones(N_EMBD))
        w.add_tensor(p + "attn_q.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(p + "attn_k.weight", rand(kv, N_EMBD))
        w.add_tensor(p + "attn_v.weight", rand(kv, N_EMBD))
        w.add_tensor(p + "attn_output.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(p + "ffn_norm.weight", ones(N_EMBD))
        w.add_tensor(p + "ffn_gate.weight", rand(N_FF, N_EMBD))
        w.add_tensor(p + "ffn_up.weight", rand(N_FF, N_EMBD))
        w.add_tensor(p + "ffn_down.weight", rand(N_EMBD, N_FF))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
