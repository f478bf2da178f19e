"""Perplexity of clinical notes under small causal LMs looked up by name in a model registry.

Models and tokenizers register themselves with a decorator; `score` picks both by name, as the
experiment grid in the paper's repository does.
"""
import math
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertTokenizer, GPT2Config, GPT2LMHeadModel

torch.manual_seed(11)

MODELS, TOKENIZERS = {}, {}
CACHE = tempfile.mkdtemp(prefix="zoo-")

GENERAL_WORDS = "the a patient was is and of to with in for on no pain today reports denies".split()
CLINICAL_WORDS = "dyspnea tachycardia afebrile edema nausea bilateral".split()


def register(table, name):
    def wrap(factory):
        table[name] = factory
        return factory
    return wrap


def write_vocab(name, words):
    path = os.path.join(CACHE, f"{name}.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@register(TOKENIZERS, "general")
def general_tokenizer():
    return BertTokenizer(write_vocab("general", GENERAL_WORDS))


@register(TOKENIZERS, "clinical")
def clinical_tokenizer():
    return BertTokenizer(write_vocab("clinical", GENERAL_WORDS + CLINICAL_WORDS))


@register(MODELS, "gpt2-nano")
def gpt2_nano(vocab_size=len(GENERAL_WORDS) + 5):
    return GPT2LMHeadModel(GPT2Config(vocab_size=vocab_size, n_positions=64, n_embd=32, n_layer=1, n_head=2))


@register(MODELS, "gpt2-micro")
def gpt2_micro(vocab_size=len(GENERAL_WORDS) + 5):
    return GPT2LMHeadModel(GPT2Config(vocab_size=vocab_size, n_positions=64, n_embd=48, n_layer=2, n_head=4))


@torch.no_grad()
def score(model_name, tokenizer_name, notes):
    tokenizer = TOKENIZERS[tokenizer_name]()
    model = MODELS[model_name]().eval()
    total, count = 0.0, 0
    for note in notes:
        ids = tokenizer(note, return_tensors="pt")["input_ids"]
        out = model(input_ids=ids, labels=ids)
        total += out.loss.item() * (ids.size(1) - 1)
        count += ids.size(1) - 1
    return math.exp(total / count)


NOTES = [
    "patient reports no pain today",
    "patient denies nausea and reports bilateral edema",
    "the patient is afebrile with tachycardia",
]

if __name__ == "__main__":
    for model_name in ["gpt2-nano", "gpt2-micro"]:
        for tokenizer_name in ["general", "clinical"]:
            print(model_name, tokenizer_name, round(score(model_name, tokenizer_name, NOTES), 2))
