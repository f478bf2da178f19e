"""Route railway signalling fault reports phoned in by signallers to the maintenance team
(track circuit, point machine or power supply) that should be dispatched first."""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass(frozen=True)
class SignalFaultRoutingSettings:
    random_seed: int = 5
    encoder_hidden_size: int = 32
    encoder_attention_heads: int = 2
    maximum_report_tokens: int = 32
    training_batch_size: int = 4
    learning_rate: float = 1e-3
    head_dropout_probability: float = 0.1


SETTINGS = SignalFaultRoutingSettings()
MAINTENANCE_TEAM_NAMES = ["track_circuit", "point_machine", "power_supply"]

SIGNALLER_FAULT_REPORTS = [
    ("section showing occupied with no train present since midnight", "track_circuit"),
    ("points failed to detect normal after swing heard motor running", "point_machine"),
    ("signal lamps dark at junction relay room on battery", "power_supply"),
    ("track circuit flickering in heavy rain near bridge", "track_circuit"),
    ("points stuck reverse ice on slide chairs", "point_machine"),
    ("mains feeder tripped location case alarms raised", "power_supply"),
    ("false occupancy after rail grinding train passed", "track_circuit"),
    ("point machine detection lost clamp lock hydraulics leaking", "point_machine"),
]


def iterate_report_words(*, fault_reports):
    """Yield every word that appears in the signaller reports."""
    for report_text, _ in fault_reports:
        yield from report_text.split()


def build_signalling_tokenizer(*, destination_directory, fault_reports):
    """Write a vocabulary file for the reports and load a BERT tokenizer from it."""
    special_tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    report_words = sorted(set(iterate_report_words(fault_reports=fault_reports)))
    vocabulary_path = os.path.join(destination_directory, "vocab.txt")
    with open(vocabulary_path, "w", encoding="utf-8") as vocabulary_handle:
        vocabulary_handle.write("\n".join(special_tokens + report_words) + "\n")
    return BertTokenizer(vocabulary_path)


class SignalFaultReportCollator:
    """Turns (report, team) pairs into padded tensors plus team indices."""

    def __init__(self, *, tokenizer, maximum_length, team_name_to_index):
        """Keep the tokenizer, the truncation length and the team lookup."""
        self.tokenizer = tokenizer
        self.maximum_length = maximum_length
        self.team_name_to_index = team_name_to_index

    def __call__(self, labelled_report_pairs):
        """Tokenize the reports of one batch and attach the target team indices."""
        tokenized_report_batch = self.tokenizer(
            [report_text for report_text, _ in labelled_report_pairs],
            padding=True, truncation=True, max_length=self.maximum_length, return_tensors="pt",
        )
        return {
            "report_token_ids": tokenized_report_batch["input_ids"],
            "report_attention_mask": tokenized_report_batch["attention_mask"],
            "target_team_indices": torch.tensor(
                [self.team_name_to_index[team_name] for _, team_name in labelled_report_pairs]
            ),
        }


class SignalFaultRouter(L.LightningModule):
    """BERT encoder whose [CLS] vector and mean-pooled tokens feed a linear routing head."""

    def __init__(self, *, vocabulary_size, number_of_teams, settings):
        """Build the encoder from a fresh config and the routing head on top of it."""
        super().__init__()
        self.settings = settings
        encoder_configuration = BertConfig(
            vocab_size=vocabulary_size,
            hidden_size=settings.encoder_hidden_size,
            num_hidden_layers=1,
            num_attention_heads=settings.encoder_attention_heads,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.report_encoder = BertModel(encoder_configuration, add_pooling_layer=False)
        self.routing_head = nn.Sequential(
            nn.Dropout(settings.head_dropout_probability),
            nn.Linear(2 * encoder_configuration.hidden_size, number_of_teams),
        )
        self.routing_loss = nn.CrossEntropyLoss()

    def forward(self, *, report_token_ids, report_attention_mask):
        """Encode the reports and score each maintenance team."""
        token_hidden_states = self.report_encoder(
            input_ids=report_token_ids, attention_mask=report_attention_mask
        ).last_hidden_state
        classification_token_vector = token_hidden_states[:, 0]
        attention_weights = report_attention_mask.unsqueeze(-1).to(token_hidden_states.dtype)
        mean_pooled_report_vector = (token_hidden_states * attention_weights).sum(dim=1) / attention_weights.sum(dim=1)
        combined_report_representation = torch.cat([classification_token_vector, mean_pooled_report_vector], dim=-1)
        return self.routing_head(combined_report_representation)

    def training_step(self, report_batch, batch_index):
        """Compute the routing loss for one batch of reports."""
        team_scores = self(
            report_token_ids=report_batch["report_token_ids"],
            report_attention_mask=report_batch["report_attention_mask"],
        )
        return self.routing_loss(team_scores, report_batch["target_team_indices"])

    def configure_optimizers(self):
        """Single AdamW optimiser over encoder and head."""
        return torch.optim.AdamW(self.parameters(), lr=self.settings.learning_rate)


def main():
    """Prepare the data, build the router and fit it for one epoch on CPU."""
    L.seed_everything(SETTINGS.random_seed, verbose=False)
    working_directory = tempfile.mkdtemp(prefix="signal_fault_router_")
    signalling_tokenizer = build_signalling_tokenizer(
        destination_directory=working_directory, fault_reports=SIGNALLER_FAULT_REPORTS
    )
    team_name_to_index = {team_name: index for index, team_name in enumerate(MAINTENANCE_TEAM_NAMES)}

    fault_report_loader = DataLoader(
        SIGNALLER_FAULT_REPORTS,
        batch_size=SETTINGS.training_batch_size,
        shuffle=True,
        collate_fn=SignalFaultReportCollator(
            tokenizer=signalling_tokenizer,
            maximum_length=SETTINGS.maximum_report_tokens,
            team_name_to_index=team_name_to_index,
        ),
    )
    signal_fault_router = SignalFaultRouter(
        vocabulary_size=len(signalling_tokenizer), number_of_teams=len(MAINTENANCE_TEAM_NAMES), settings=SETTINGS
    )
    print(f"routing {len(SIGNALLER_FAULT_REPORTS)} reports across {len(MAINTENANCE_TEAM_NAMES)} teams")

    lightning_trainer = L.Trainer(
        max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False, enable_checkpointing=False
    )
    lightning_trainer.fit(signal_fault_router, train_dataloaders=fault_report_loader)
    print("signal fault router trained")


if __name__ == "__main__":
    main()
