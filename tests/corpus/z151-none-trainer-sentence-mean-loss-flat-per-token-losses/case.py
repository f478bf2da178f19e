"""Skill extraction from job ads: BERT token tagger, HF Trainer with a per-sentence averaged loss."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForTokenClassification, BertTokenizerFast,
                          DataCollatorForTokenClassification, Trainer, TrainingArguments)

torch.manual_seed(0)
LABELS = ["O", "B-SKILL", "I-SKILL"]
ADS = [
    ("we need python and machine learning experience", "O O B-SKILL O B-SKILL I-SKILL O"),
    ("strong sql skills", "O B-SKILL O"),
    ("knowledge of project management and excel is a plus", "O O B-SKILL I-SKILL O B-SKILL O O O"),
    ("java developer wanted", "B-SKILL O O"),
    ("must know docker", "O O B-SKILL"),
    ("fluent english and data analysis", "O B-SKILL O B-SKILL I-SKILL"),
]


def tokenize_and_align(tokenizer, text, tag_str):
    words, tags = text.split(), [LABELS.index(t) for t in tag_str.split()]
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=32)
    enc["labels"] = [-100 if w is None else tags[w] for w in enc.word_ids()]
    return dict(enc)


class SentenceMeanTrainer(Trainer):
    """Average the token loss inside each ad first, so long ads do not dominate the batch."""

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits
        per_token = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), reduction="none",
                                    ignore_index=-100)
        real = (labels != -100).float()
        per_sentence = (per_token * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0)
        loss = per_sentence.mean()
        return (loss, outputs) if return_outputs else loss


if __name__ == "__main__":
    tmp = tempfile.mkdtemp()
    words = sorted({w for t, _ in ADS for w in t.split()})
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(tmp, "vocab.txt"))
    train_features = [tokenize_and_align(tokenizer, t, s) for t, s in ADS]

    model = BertForTokenClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                  num_attention_heads=2, intermediate_size=37,
                                                  max_position_embeddings=64, num_labels=len(LABELS)))
    args = TrainingArguments(output_dir=os.path.join(tmp, "skills"), max_steps=2, per_device_train_batch_size=3,
                             learning_rate=5e-4, report_to=[], save_strategy="no", use_cpu=True, disable_tqdm=True)
    trainer = SentenceMeanTrainer(model=model, args=args, train_dataset=train_features,
                                  data_collator=DataCollatorForTokenClassification(tokenizer))
    trainer.train()
