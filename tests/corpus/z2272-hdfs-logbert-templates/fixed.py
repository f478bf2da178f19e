"""LogBERT-style masked template modelling on synthetic HDFS block sessions.

Raw log lines -> regex-based template miner -> one token per template (e0, e1, ...)
-> BertTokenizer over a vocab file we write ourselves -> BertForMaskedLM.
"""
import os
import random
import re

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_PATH = os.path.join(HERE, "hdfs_synth.log")
VOCAB_PATH = os.path.join(HERE, "template_vocab.txt")
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

RAW_EVENTS = [
    "Receiving block blk_{blk} src: /10.0.{a}.{b}:50010 dest: /10.0.{b}.{a}:50010",
    "BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-{a} blk_{blk}",
    "PacketResponder {a} for block blk_{blk} terminating",
    "Received block blk_{blk} of size {size} from /10.0.{a}.{b}",
    "BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.0.{a}.{b}:50010 is added to blk_{blk} size {size}",
    "Verification succeeded for blk_{blk}",
    "Deleting block blk_{blk} file /mnt/hadoop/dfs/data/current/subdir{a}/blk_{blk}",
    "BLOCK* NameSystem.delete: blk_{blk} is added to invalidSet of 10.0.{a}.{b}:50010",
    "writeBlock blk_{blk} received exception java.io.IOException: Connection reset by peer",
    "PendingReplicationMonitor timed out block blk_{blk}",
    "Exception in receiveBlock for block blk_{blk} java.io.EOFException",
    "Unexpected error trying to delete block blk_{blk}. BlockInfo not found in volumeMap.",
]

MASK_RULES = [
    (re.compile(r"blk_-?\d+"), "<BLK>"),
    (re.compile(r"/?\d+\.\d+\.\d+\.\d+(:\d+)?"), "<IP>"),
    (re.compile(r"(?<=[a-z-])\d+\b"), "<NUM>"),
    (re.compile(r"\b\d+\b"), "<NUM>"),
]


def write_synthetic_log(path, n_blocks=120):
    lines = []
    for _ in range(n_blocks):
        blk = random.randint(10**8, 10**9)
        n_events = random.randint(6, 14)
        normal = random.random() > 0.1
        for _ in range(n_events):
            pool = RAW_EVENTS[:8] if normal else RAW_EVENTS
            tmpl = random.choice(pool)
            lines.append(tmpl.format(blk=blk, a=random.randint(0, 250), b=random.randint(0, 250),
                                     size=random.randint(1000, 67108864)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def to_template(line):
    for pat, repl in MASK_RULES:
        line = pat.sub(repl, line)
    return line.strip()


def parse_sessions(path):
    template_ids = {}
    sessions = {}
    with open(path) as f:
        for line in f:
            blk = re.search(r"blk_-?\d+", line).group(0)
            tmpl = to_template(line)
            if tmpl not in template_ids:
                template_ids[tmpl] = len(template_ids)
            sessions.setdefault(blk, []).append(f"e{template_ids[tmpl]}")
    return template_ids, sessions


def write_vocab(template_ids, path):
    with open(path, "w") as f:
        for tok in SPECIAL_TOKENS:
            f.write(tok + "\n")
        for tid in sorted(template_ids.values()):
            f.write(f"e{tid}\n")


def mask_tokens(input_ids, tokenizer, mlm_prob=0.3):
    labels = input_ids.clone()
    special = torch.tensor(
        [tokenizer.get_special_tokens_mask(row, already_has_special_tokens=True) for row in input_ids.tolist()],
        dtype=torch.bool,
    )
    probs = torch.full(labels.shape, mlm_prob)
    probs.masked_fill_(special, 0.0)
    chosen = torch.bernoulli(probs).bool()
    labels[~chosen] = -100
    input_ids = input_ids.clone()
    input_ids[chosen] = tokenizer.mask_token_id
    return input_ids, labels


def main():
    write_synthetic_log(LOG_PATH)
    template_ids, sessions = parse_sessions(LOG_PATH)
    write_vocab(template_ids, VOCAB_PATH)
    print(f"{len(template_ids)} templates mined from {len(sessions)} block sessions")

    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    texts = [" ".join(seq) for seq in sessions.values()]

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForMaskedLM(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

    batch_size = 16
    model.train()
    for epoch in range(2):
        random.shuffle(texts)
        total = 0.0
        for i in range(0, len(texts), batch_size):
            enc = tokenizer(texts[i:i + batch_size], padding=True, truncation=True,
                            max_length=32, return_tensors="pt")
            input_ids, labels = mask_tokens(enc["input_ids"], tokenizer)
            out = model(input_ids=input_ids, attention_mask=enc["attention_mask"], labels=labels)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: mlm loss {total:.3f}")


if __name__ == "__main__":
    main()
