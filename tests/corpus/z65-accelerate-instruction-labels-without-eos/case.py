"""Instruction tuning of a small GPT-2 with Accelerate: the loss is computed on the answer tokens only.

Each example is `prompt + answer + <|endoftext|>`; the prompt positions get -100 in the labels.
"""
import json
import os
import string
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

EXAMPLES = [
    {"instruction": "translate to french: cat", "answer": "chat"},
    {"instruction": "capital of italy?", "answer": "rome"},
    {"instruction": "antonym of cold?", "answer": "hot"},
    {"instruction": "plural of mouse?", "answer": "mice"},
    {"instruction": "translate to french: dog", "answer": "chien"},
    {"instruction": "capital of spain?", "answer": "madrid"},
]
PROMPT = "### question: {instruction}\n### answer:"


def byte_level_files(folder):
    """vocab.json / merges.txt of our tiny byte-level BPE (single characters and a few merges)."""
    chars = list(string.ascii_lowercase) + list("#:?\n")
    merges = [("Ġ", "c"), ("a", "n"), ("Ġ", "t"), ("o", "f"), ("Ġ", "of"), ("#", "#"), ("##", "#")]
    tokens = ["<|endoftext|>"] + chars + ["Ġ" + c for c in chars] + ["Ġ", "Ċ"] + ["".join(m) for m in merges]
    with open(os.path.join(folder, "vocab.json"), "w") as fh:
        json.dump({t: i for i, t in enumerate(dict.fromkeys(tokens))}, fh)
    with open(os.path.join(folder, "merges.txt"), "w") as fh:
        fh.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    return os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt")


def build_example(tokenizer, row):
    prompt_ids = tokenizer(PROMPT.format(**row))["input_ids"]
    answer_ids = tokenizer(" " + row["answer"])["input_ids"]
    input_ids = prompt_ids + answer_ids + [tokenizer.eos_token_id]
    labels = [-100] * len(prompt_ids) + answer_ids
    return {"input_ids": torch.tensor(input_ids), "labels": torch.tensor(labels)}


def collate(features, pad_id):
    input_ids = pad_sequence([f["input_ids"] for f in features], batch_first=True, padding_value=pad_id)
    labels = pad_sequence([f["labels"] for f in features], batch_first=True, padding_value=-100)
    attention_mask = pad_sequence([torch.ones_like(f["input_ids"]) for f in features], batch_first=True)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = GPT2Tokenizer(*byte_level_files(tempfile.mkdtemp(prefix="bpe-")))
    tokenizer.pad_token = tokenizer.eos_token
    train = [build_example(tokenizer, row) for row in EXAMPLES]

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=32, n_layer=2, n_head=2,
                                       bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(train, batch_size=3, shuffle=True, collate_fn=lambda f: collate(f, tokenizer.pad_token_id))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(3):
        for batch in loader:
            with accelerator.accumulate(model):
                loss = model(**batch).loss
                accelerator.backward(loss)
                optimizer.step()
                optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
