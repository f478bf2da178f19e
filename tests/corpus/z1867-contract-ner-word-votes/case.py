"""Tag parties, dates and amounts in long commercial contracts.

Contracts are pre-split into words with BIO tags. The token classifier sees
overlapping windows; at inference the per-token logits of every window are
pooled back onto the original words (words in the overlap get several votes).
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(21)
torch.manual_seed(21)

TAGS = ["O", "B-PARTY", "I-PARTY", "B-DATE", "I-DATE", "B-AMOUNT", "I-AMOUNT"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
SEQ_LEN = 40
OVERLAP = 10

BOILER = ("whereas the parties agree that this agreement shall be governed by the laws of "
          "delaware and any dispute shall be resolved by arbitration notice shall be given in writing").split()
PARTIES = [["acme", "holdings", "llc"], ["globex", "corporation"], ["initech", "inc"]]
DATES = [["january", "1", "2024"], ["march", "15", "2025"]]
AMOUNTS = [["usd", "250000"], ["usd", "1200000"]]


def make_contract(n_clauses):
    words, tags = [], []
    for _ in range(n_clauses):
        for w in random.sample(BOILER, 9):
            words.append(w); tags.append("O")
        kind, pool = random.choice([("PARTY", PARTIES), ("DATE", DATES), ("AMOUNT", AMOUNTS)])
        span = random.choice(pool)
        for j, w in enumerate(span):
            words.append(w); tags.append(("B-" if j == 0 else "I-") + kind)
    return words, tags


def write_vocab(folder):
    lex = set(BOILER) | {w for group in (PARTIES, DATES, AMOUNTS) for span in group for w in span}
    path = os.path.join(folder, "contract_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(lex)) + "\n")
    return path


def encode_windows(tokenizer, contracts):
    return tokenizer(
        [words for words, _ in contracts],
        is_split_into_words=True,
        truncation=True,
        max_length=SEQ_LEN,
        stride=OVERLAP,
        return_overflowing_tokens=True,
        padding="max_length",
        return_tensors="pt",
    )


def window_tag_ids(enc, contracts):
    rows = []
    for w, doc in enumerate(enc["overflow_to_sample_mapping"].tolist()):
        _, tags = contracts[doc]
        rows.append([-100 if wid is None else TAG2ID[tags[wid]] for wid in enc.word_ids(w)])
    return torch.tensor(rows)


def pool_to_words(enc, logits, contracts):
    votes = [[[] for _ in words] for words, _ in contracts]
    keep = enc["attention_mask"]
    for w, doc in enumerate(enc["overflow_to_sample_mapping"].tolist()):
        for pos, wid in enumerate(enc.word_ids(w)):
            if keep[w, pos] == 0:
                continue
            votes[doc][wid].append(logits[w, pos])
    decoded = []
    for doc_votes in votes:
        decoded.append([TAGS[torch.stack(v).mean(0).argmax().item()] if v else "O" for v in doc_votes])
    return decoded


def main():
    tmp = tempfile.mkdtemp(prefix="contracts_")
    tokenizer = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=SEQ_LEN,
        num_labels=len(TAGS),
    )
    tagger = BertForTokenClassification(cfg)
    opt = torch.optim.AdamW(tagger.parameters(), lr=5e-4)

    train = [make_contract(random.randint(5, 9)) for _ in range(6)]
    test = [make_contract(random.randint(5, 9)) for _ in range(2)]

    enc = encode_windows(tokenizer, train)
    tag_ids = window_tag_ids(enc, train)
    model_in = {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}
    tagger.train()
    for step in range(15):
        loss = tagger(**model_in, labels=tag_ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 5 == 0:
            print(f"step {step} windows={tag_ids.size(0)} loss={loss.item():.4f}")

    tagger.eval()
    test_enc = encode_windows(tokenizer, test)
    with torch.no_grad():
        logits = tagger(**{k: test_enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}).logits
    predicted = pool_to_words(test_enc, logits, test)

    for (words, gold), pred in zip(test, predicted):
        hits = sum(p == g for p, g in zip(pred, gold))
        print(f"contract of {len(words)} words: word accuracy {hits / len(words):.3f}")
        print("  ", [(w, p) for w, p in zip(words, pred) if p != "O"][:6])


if __name__ == "__main__":
    main()
