"""Tag job titles, skills and locations in job-posting snippets (BIO token classification)."""
import os
import string
import tempfile
from collections import Counter
from dataclasses import dataclass, field

from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          DataCollatorForTokenClassification, Trainer, TrainingArguments)


@dataclass
class RunConfig:
    tag_names: list = field(default_factory=lambda: [
        "O", "B-TITLE", "I-TITLE", "B-SKILL", "I-SKILL", "B-LOC", "I-LOC"])
    min_word_freq: int = 2
    max_len: int = 48
    label_all_subwords: bool = True
    batch_size: int = 4
    steps: int = 6
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="jobs_ner_"))


POSTINGS = [
    ("senior data engineer in Rotterdam with python and spark", "O B-TITLE I-TITLE O B-LOC O B-SKILL O B-SKILL"),
    ("junior data analyst in Lisbon with sql", "O B-TITLE I-TITLE O B-LOC O B-SKILL"),
    ("backend developer in New York with go and postgres", "B-TITLE I-TITLE O B-LOC I-LOC O B-SKILL O B-SKILL"),
    ("senior backend developer with python in Berlin", "O B-TITLE I-TITLE O B-SKILL O B-LOC"),
    ("data scientist in San Francisco with python and pytorch", "B-TITLE I-TITLE O B-LOC I-LOC O B-SKILL O B-SKILL"),
    ("junior data engineer with sql and airflow in Berlin", "O B-TITLE I-TITLE O B-SKILL O B-SKILL O B-LOC"),
    ("product manager in Lisbon with jira", "B-TITLE I-TITLE O B-LOC O B-SKILL"),
    ("senior data scientist with spark in New York", "O B-TITLE I-TITLE O B-SKILL O B-LOC I-LOC"),
    ("frontend developer in Rotterdam with react and typescript", "B-TITLE I-TITLE O B-LOC O B-SKILL O B-SKILL"),
    ("devops engineer with kubernetes and terraform in San Francisco", "B-TITLE I-TITLE O B-SKILL O B-SKILL O B-LOC I-LOC"),
    ("junior product manager in Berlin with sql", "O B-TITLE I-TITLE O B-LOC O B-SKILL"),
    ("machine learning engineer with pytorch in Buenos Aires", "B-TITLE I-TITLE I-TITLE O B-SKILL O B-LOC I-LOC"),
]


def write_vocab(cfg, sentences):
    counts = Counter(w.lower() for s in sentences for w in s.split())
    frequent = sorted(w for w, c in counts.items() if c >= cfg.min_word_freq)
    pieces = list(string.ascii_lowercase) + ["##" + ch for ch in string.ascii_lowercase]
    path = os.path.join(cfg.workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + frequent + pieces) + "\n")
    return path


def encode_posting(tokenizer, cfg, tag2id, text, tag_str):
    words, word_tags = text.split(), tag_str.split()
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=cfg.max_len)
    aligned, prev = [], None
    for wid in enc.word_ids():
        if wid is None:
            aligned.append(-100)
        elif wid != prev:
            aligned.append(tag2id[word_tags[wid]])
        elif cfg.label_all_subwords:
            # continuation pieces of a B- word carry the matching I- tag
            aligned.append(tag2id[word_tags[wid].replace("B-", "I-")])
        else:
            aligned.append(-100)
        prev = wid
    enc["labels"] = aligned
    return dict(enc)


def main():
    cfg = RunConfig()
    tag2id = {t: i for i, t in enumerate(cfg.tag_names)}
    tokenizer = BertTokenizer(write_vocab(cfg, [p for p, _ in POSTINGS]), do_lower_case=True)
    train_set = [encode_posting(tokenizer, cfg, tag2id, p, t) for p, t in POSTINGS]

    bert_cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                          num_labels=len(cfg.tag_names),
                          id2label=dict(enumerate(cfg.tag_names)), label2id=tag2id)
    model = BertForTokenClassification(bert_cfg)

    args = TrainingArguments(output_dir=os.path.join(cfg.workdir, "ckpt"), max_steps=cfg.steps,
                             per_device_train_batch_size=cfg.batch_size, learning_rate=3e-4,
                             logging_steps=3, save_strategy="no", report_to=[], use_cpu=True,
                             disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=train_set,
                      data_collator=DataCollatorForTokenClassification(tokenizer))
    result = trainer.train()
    print("training loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
