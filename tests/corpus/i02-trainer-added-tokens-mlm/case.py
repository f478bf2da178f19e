"""Domain-adaptive masked-LM pretraining with transformers.Trainer and DataCollatorForLanguageModeling.

Product codes are added to the tokenizer so they stay whole tokens.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import (BertConfig, BertForMaskedLM, BertTokenizer, DataCollatorForLanguageModeling, Trainer,
                          TrainingArguments)

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "order", "shipped", "with", "and", "returned", "customer",
         "asked", "about", "refund", "for", "the", "item"]
PRODUCT_CODES = ["sku1042", "sku2210", "sku3307"]

workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32)
model = BertForMaskedLM(config)
tokenizer.add_tokens(PRODUCT_CODES)

tickets = ["order sku1042 shipped with sku2210", "customer asked about refund for sku3307",
           "the item sku1042 returned", "refund for the order"]
features = [tokenizer(t, truncation=True, max_length=16) for t in tickets]
collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.3)
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=4, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=features, data_collator=collator)
trainer.train()
print("trained")
