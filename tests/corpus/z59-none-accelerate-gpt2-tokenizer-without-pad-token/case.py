"""Fine-tune a small GPT-2 on commit messages with Accelerate, using the byte-level BPE trained on our own repo
(vocab.json + merges.txt, written below).  Batches are padded dynamically in the collate function.
"""
import json
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

COMMITS = [
    "fix typo in readme", "add retry to the http client", "bump version to two", "remove dead code",
    "fix flaky test in the parser", "add docs for the cli", "refactor the config loader", "fix crash on empty input",
]


def write_bpe(folder):
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    merges = [("f", "i"), ("fi", "x"), ("a", "d"), ("ad", "d"), ("t", "h"), ("th", "e"), ("Ġ", "the"), ("Ġ", "t")]
    tokens = ["<|endoftext|>"] + letters + ["Ġ" + c for c in letters] + ["Ġ"] + ["".join(m) for m in merges]
    vocab = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
    with open(os.path.join(folder, "vocab.json"), "w") as fh:
        json.dump(vocab, fh)
    with open(os.path.join(folder, "merges.txt"), "w") as fh:
        fh.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    return os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt")


def main():
    accelerator = Accelerator(cpu=True)
    workdir = tempfile.mkdtemp(prefix="commits-")
    tokenizer = GPT2Tokenizer(*write_bpe(workdir))

    def collate(texts):
        batch = tokenizer([t + tokenizer.eos_token for t in texts], padding=True, truncation=True, max_length=64,
                          return_tensors="pt")
        batch["labels"] = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
        return batch

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=32, n_layer=1, n_head=2,
                                       bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(COMMITS, batch_size=4, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
