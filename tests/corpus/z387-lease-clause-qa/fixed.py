"""Extractive QA over commercial lease clauses (rent, deposit, notice period).

A tiny BERT reader is built from scratch with a domain wordpiece vocab; we run
it over question/clause pairs and print the best answer span for each.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

WORDS = (
    "the tenant shall pay landlord a monthly rent of dollars on first day each month "
    "security deposit equal to two months is payable upon signing this lease either party may "
    "terminate by giving written notice at least ninety days before end term premises located "
    "in building suite floor use for office purposes only no subletting without prior consent "
    "which not be unreasonably withheld late fee five percent applies any payment received after "
    "tenth what is how much when must be paid who can notice period deposit amount rent due used"
).split()


@dataclass
class ReaderSettings:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    positions: int = 64
    max_seq_len: int = 64
    doc_stride: int = 32
    max_answer_tokens: int = 12


def write_vocab(folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = specials + sorted(set(WORDS)) + [str(d) for d in range(10)] + [f"##{d}" for d in range(10)] + [".", ",", "?", "$", "%"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


def build_reader(settings, vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=settings.hidden,
        num_hidden_layers=settings.layers,
        num_attention_heads=settings.heads,
        intermediate_size=settings.hidden * 2,
        max_position_embeddings=settings.positions,
    )
    return BertForQuestionAnswering(config).eval()


def make_clauses(n, seed=11):
    rng = random.Random(seed)
    base = [
        "the tenant shall pay landlord a monthly rent of $ {a} dollars on the first day of each month .",
        "a security deposit equal to two months rent is payable upon signing this lease .",
        "either party may terminate this lease by giving written notice at least ninety days before the end of the term .",
        "the premises located in building {b} suite {c} shall be used for office purposes only .",
        "no subletting without prior written consent of the landlord , which shall not be unreasonably withheld .",
        "a late fee of five percent applies to any payment received after the tenth day of the month .",
    ]
    questions = ["how much is the monthly rent ?", "what is the notice period ?", "when must rent be paid ?"]
    out = []
    for _ in range(n):
        clause = " ".join(rng.sample(base, k=4)).format(
            a=rng.randint(1000, 9999), b=rng.randint(1, 9), c=rng.randint(100, 999)
        )
        out.append((rng.choice(questions), clause))
    return out


def best_span(start_logits, end_logits, seq_ids, max_len):
    ctx = [i for i, s in enumerate(seq_ids) if s == 1]
    best, best_score = (ctx[0], ctx[0]), float("-inf")
    for s in ctx:
        for e in ctx:
            if s <= e < s + max_len:
                score = start_logits[s] + end_logits[e]
                if score > best_score:
                    best, best_score = (s, e), score
    return best


def answer_all(pairs, tokenizer, reader, settings):
    questions = [q for q, _ in pairs]
    clauses = [c for _, c in pairs]
    enc = tokenizer(
        questions, clauses, truncation="only_second", max_length=settings.max_seq_len,
        padding="longest", return_tensors="pt",
    )
    with torch.no_grad():
        out = reader(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                     token_type_ids=enc["token_type_ids"])
    answers = []
    for i in range(len(pairs)):
        seq_ids = [s if s is not None else -1 for s in enc.sequence_ids(i)]
        s, e = best_span(out.start_logits[i].tolist(), out.end_logits[i].tolist(),
                         seq_ids, settings.max_answer_tokens)
        answers.append(tokenizer.decode(enc["input_ids"][i, s:e + 1]))
    return answers


def main():
    torch.manual_seed(0)
    settings = ReaderSettings()
    with tempfile.TemporaryDirectory() as tmp:
        vocab_path, vocab_size = write_vocab(tmp)
        tokenizer = BertTokenizer(vocab_path)
        reader = build_reader(settings, vocab_size)
        pairs = make_clauses(6)
        for (q, _), ans in zip(pairs, answer_all(pairs, tokenizer, reader, settings)):
            print(f"Q: {q}\n   -> {ans}")


if __name__ == "__main__":
    main()
