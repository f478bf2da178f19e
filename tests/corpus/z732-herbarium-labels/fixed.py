"""Fine-tune a small BERT tagger on digitised herbarium specimen labels.

Adapted from the run_ner.py token-classification example: tags collector,
locality, date and habitat spans on the transcribed sheet labels.
"""
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field

import torch
from transformers import (BertConfig, BertForTokenClassification, BertTokenizerFast,
                          HfArgumentParser, Trainer, TrainingArguments,
                          default_data_collator, set_seed)

logger = logging.getLogger(__name__)
logging.basicConfig(format="%(asctime)s - %(levelname)s - %(name)s - %(message)s", level=logging.INFO)

LABEL_LIST = ["O", "B-COLL", "I-COLL", "B-LOC", "I-LOC", "B-DATE", "I-DATE", "B-HAB", "I-HAB"]

RAW_SHEETS = [
    ("leg. J. Hooker , Sikkim , 12 May 1849 , moist ravine", "O B-COLL I-COLL O B-LOC O B-DATE I-DATE I-DATE O B-HAB I-HAB"),
    ("coll. M. North near Kandy , 3 Feb 1877 , roadside bank", "O B-COLL I-COLL O B-LOC O B-DATE I-DATE I-DATE O B-HAB I-HAB"),
    ("leg. A. Henry , Ichang gorge , Aug 1888 , limestone cliffs", "O B-COLL I-COLL O B-LOC I-LOC O B-DATE I-DATE O B-HAB I-HAB"),
    ("coll. E. Wilson , Mt Omei , 1904 , shaded forest floor", "O B-COLL I-COLL O B-LOC I-LOC O B-DATE O B-HAB I-HAB I-HAB"),
    ("leg. K. Sato , Hakone , 21 June 1931 , wet meadow", "O B-COLL I-COLL O B-LOC O B-DATE I-DATE I-DATE O B-HAB I-HAB"),
    ("coll. R. Spruce near Tarapoto , Oct 1855 , river sandbar", "O B-COLL I-COLL O B-LOC O B-DATE I-DATE O B-HAB I-HAB"),
    ("leg. F. Kingdon , Tsangpo gorge , 1924 , alpine scree", "O B-COLL I-COLL O B-LOC I-LOC O B-DATE O B-HAB I-HAB"),
    ("coll. G. Forrest , Lichiang range , July 1906 , open pine forest", "O B-COLL I-COLL O B-LOC I-LOC O B-DATE I-DATE O B-HAB I-HAB I-HAB"),
]


@dataclass
class ModelArguments:
    hidden_size: int = field(default=32, metadata={"help": "Hidden size of the randomly initialised encoder."})
    num_hidden_layers: int = field(default=1, metadata={"help": "Number of transformer layers."})
    max_position_embeddings: int = field(default=64, metadata={"help": "Size of the position table."})


@dataclass
class DataTrainingArguments:
    max_seq_length: int = field(default=32, metadata={"help": "Max total input length after tokenisation."})
    preprocessing_batch_size: int = field(default=1000, metadata={"help": "Examples per preprocessing call."})
    label_all_tokens: bool = field(default=False, metadata={"help": "Label every sub-token, not only the first."})


def build_tokenizer(sheets):
    words = sorted({w.lower() for text, _ in sheets for w in re.findall(r"\w+|[^\w\s]", text)})
    vocab_dir = tempfile.mkdtemp(prefix="herbarium_vocab_")
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(vocab_path)


def map_batched(records, fn, batch_size):
    """Rough stand-in for datasets.Dataset.map(batched=True) on a list of dicts."""
    out = []
    for start in range(0, len(records), batch_size):
        chunk = records[start:start + batch_size]
        columns = {key: [r[key] for r in chunk] for key in chunk[0]}
        processed = fn(columns)
        out.extend(dict(zip(processed, values)) for values in zip(*processed.values()))
    return out


def main():
    parser = HfArgumentParser((ModelArguments, DataTrainingArguments, TrainingArguments))
    model_args, data_args, training_args = parser.parse_dict({
        "output_dir": tempfile.mkdtemp(prefix="herbarium_ner_"),
        "num_train_epochs": 1,
        "per_device_train_batch_size": 4,
        "learning_rate": 5e-4,
        "logging_steps": 1,
        "save_strategy": "no",
        "disable_tqdm": True,
        "report_to": [],
        "use_cpu": True,
    })
    set_seed(training_args.seed)

    label_to_id = {l: i for i, l in enumerate(LABEL_LIST)}
    records = [{"tokens": text.split(), "ner_tags": [label_to_id[t] for t in tags.split()]} for text, tags in RAW_SHEETS]
    tokenizer = build_tokenizer(RAW_SHEETS)

    def preprocess_function(examples):
        tokenized = tokenizer(examples["tokens"], is_split_into_words=True, truncation=True,
                              max_length=data_args.max_seq_length, padding="max_length")
        all_label_ids = []
        for i, word_tags in enumerate(examples["ner_tags"]):
            word_ids = tokenized.word_ids(batch_index=i)
            previous = None
            label_ids = []
            for wid in word_ids:
                if wid is None:
                    label_ids.append(-100)
                elif wid != previous:
                    label_ids.append(word_tags[wid])
                else:
                    label_ids.append(word_tags[wid] if data_args.label_all_tokens else -100)
                previous = wid
            # keep every row the same width for the default collator
            label_ids += [-100] * (data_args.max_seq_length - len(label_ids))
            all_label_ids.append(label_ids)
        tokenized["labels"] = all_label_ids
        return dict(tokenized)

    train_dataset = map_batched(records, preprocess_function, data_args.preprocessing_batch_size)
    logger.info("Prepared %d training sheets", len(train_dataset))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=model_args.hidden_size,
                        num_hidden_layers=model_args.num_hidden_layers, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=model_args.max_position_embeddings,
                        num_labels=len(LABEL_LIST), id2label=dict(enumerate(LABEL_LIST)), label2id=label_to_id)
    model = BertForTokenClassification(config)

    trainer = Trainer(model=model, args=training_args, train_dataset=train_dataset,
                      data_collator=default_data_collator)
    train_result = trainer.train()
    logger.info("train metrics: %s", train_result.metrics)

    model.eval()
    sample = tokenizer(RAW_SHEETS[0][0].split(), is_split_into_words=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**sample).logits.argmax(-1)[0].tolist()
    print("tags:", [LABEL_LIST[p] for p in pred])


if __name__ == "__main__":
    main()
