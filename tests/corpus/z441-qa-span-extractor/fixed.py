import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizerFast


@dataclass
class QAConfig:
    vocab_words: tuple = ("who", "what", "where", "when", "is", "the", "of", "in", "was", "born",
                          "capital", "france", "paris", "marie", "curie", "warsaw", "river", "flows",
                          "through", "seine", "city", "a", "physicist", "chemist", "and", "1867", ".", "?")
    hidden_size: int = 48
    num_layers: int = 2
    num_heads: int = 4
    intermediate_size: int = 96
    max_len: int = 48
    type_vocab_size: int = 2
    lr: float = 3e-4
    epochs: int = 3
    seed: int = 13


SAMPLES = [
    ("what is the capital of france ?", "paris is the capital of france .", "paris"),
    ("where was marie curie born ?", "marie curie was born in warsaw in 1867 .", "warsaw"),
    ("when was marie curie born ?", "marie curie was born in warsaw in 1867 .", "1867"),
    ("what river flows through paris ?", "the seine flows through the city of paris .", "seine"),
    ("who was marie curie ?", "marie curie was a physicist and chemist .", "a physicist and chemist"),
]


def build_tokenizer(cfg: QAConfig) -> BertTokenizerFast:
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + list(cfg.vocab_words)) + "\n")
    return BertTokenizerFast(path, do_lower_case=True)


def encode(tokenizer, samples, cfg: QAConfig):
    questions = [q for q, _, _ in samples]
    contexts = [c for _, c, _ in samples]
    enc = tokenizer(questions, contexts, padding="max_length", truncation="only_second",
                    max_length=cfg.max_len, return_offsets_mapping=True, return_tensors="pt")
    starts, ends = [], []
    for i, (_, ctx, answer) in enumerate(samples):
        a_start = ctx.index(answer)
        a_end = a_start + len(answer)
        seq_ids = enc.sequence_ids(i)
        offsets = enc["offset_mapping"][i].tolist()
        s_tok = e_tok = 0
        for t, (sid, (o_s, o_e)) in enumerate(zip(seq_ids, offsets)):
            if sid != 1:
                continue
            if o_s == a_start:
                s_tok = t
            if o_e == a_end:
                e_tok = t
        starts.append(s_tok)
        ends.append(e_tok)
    enc.pop("offset_mapping")
    enc["start_positions"] = torch.tensor(starts)
    enc["end_positions"] = torch.tensor(ends)
    return enc


def make_model(cfg: QAConfig, vocab_size: int) -> BertForQuestionAnswering:
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.intermediate_size,
        max_position_embeddings=64,
        type_vocab_size=cfg.type_vocab_size,
    )
    return BertForQuestionAnswering(bert_cfg)


def main():
    cfg = QAConfig()
    torch.manual_seed(cfg.seed)
    tokenizer = build_tokenizer(cfg)
    batch = encode(tokenizer, SAMPLES, cfg)
    model = make_model(cfg, tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for epoch in range(cfg.epochs):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"epoch {epoch} loss={out.loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        out = model(**{k: v for k, v in batch.items() if not k.endswith("_positions")})
    pred_s = out.start_logits.argmax(-1)
    pred_e = out.end_logits.argmax(-1)
    for i, (q, _, gold) in enumerate(SAMPLES):
        span = batch["input_ids"][i, pred_s[i]: pred_e[i] + 1]
        print(f"{q!r} -> {tokenizer.decode(span)!r} (gold {gold!r})")


if __name__ == "__main__":
    main()
