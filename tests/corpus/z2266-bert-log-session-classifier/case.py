import os
import re
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "log_vocab.txt")

MODEL_CFG = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 128,
    "num_labels": 2,
}
TRAIN_CFG = {"batch_size": 16, "lr": 5e-4, "epochs": 1, "seed": 13}

MASKS = [
    (re.compile(r"blk_-?\d+"), " BLK "),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"), " IP "),
    (re.compile(r"/[\w./-]+"), " PATH "),
    (re.compile(r"\b0x[0-9a-f]+\b"), " HEX "),
    (re.compile(r"\b\d+\b"), " NUM "),
]

NORMAL_LINES = [
    "Receiving block blk_{b} src: /10.0.{x}.{y}:50010 dest: /10.0.{y}.{x}:50010",
    "BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-{n} blk_{b}",
    "PacketResponder {n} for block blk_{b} terminating",
    "Received block blk_{b} of size {s} from /10.0.{x}.{y}",
    "Verification succeeded for blk_{b}",
]
FAILURE_LINES = [
    "writeBlock blk_{b} received exception java.io.IOException: Connection reset by peer",
    "PacketResponder blk_{b} {n} Exception java.net.SocketTimeoutException: {s} millis timeout",
    "Retrying connect to server: /10.0.{x}.{y}:8020. Already tried {n} time(s)",
]


def render(tpl, rng, block):
    return tpl.format(b=block, x=rng.randint(0, 255), y=rng.randint(0, 255),
                      n=rng.randint(0, 9), s=rng.randint(1000, 70000000))


def simulate_sessions(n=200, seed=0):
    rng = random.Random(seed)
    sessions = []
    for _ in range(n):
        block = rng.randint(10**17, 10**18)
        lines = [render(t, rng, block) for t in NORMAL_LINES]
        label = 0
        if rng.random() < 0.3:
            label = 1
            storm = rng.randint(4, 14)
            lines += [render(rng.choice(FAILURE_LINES), rng, block) for _ in range(storm)]
        sessions.append((lines, label))
    return sessions


def mask_line(line):
    for pat, repl in MASKS:
        line = pat.sub(repl, line)
    return " ".join(line.lower().split())


def session_to_text(lines):
    return " ; ".join(mask_line(l) for l in lines)


def write_vocab(texts, path):
    words = set()
    for t in texts:
        words.update(re.findall(r"\w+|[^\w\s]", t))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


class SessionCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, batch):
        texts = [t for t, _ in batch]
        enc = self.tokenizer(texts, padding="longest", return_tensors="pt")
        enc["labels"] = torch.tensor([y for _, y in batch])
        return enc


def main():
    random.seed(TRAIN_CFG["seed"])
    torch.manual_seed(TRAIN_CFG["seed"])

    raw = simulate_sessions(seed=TRAIN_CFG["seed"])
    data = [(session_to_text(lines), label) for lines, label in raw]
    write_vocab([t for t, _ in data], VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    print(f"vocab size {tokenizer.vocab_size}, {len(data)} sessions, "
          f"{sum(y for _, y in data)} anomalous")

    cut = int(0.8 * len(data))
    train_dl = DataLoader(data[:cut], batch_size=TRAIN_CFG["batch_size"], shuffle=True,
                          collate_fn=SessionCollator(tokenizer))
    val_dl = DataLoader(data[cut:], batch_size=32, collate_fn=SessionCollator(tokenizer))

    config = BertConfig(vocab_size=tokenizer.vocab_size, **MODEL_CFG)
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])

    for epoch in range(TRAIN_CFG["epochs"]):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            if step % 5 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f} "
                      f"seq_len {batch['input_ids'].shape[1]}")

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(**batch).logits.argmax(-1)
                correct += (pred == batch["labels"]).sum().item()
                total += len(pred)
        print(f"epoch {epoch} val acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
